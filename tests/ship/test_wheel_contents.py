"""The wheel carries everything the installed app reads: fonts, compiled catalogues, icons, starter
libraries, forms, the user guide and the licence; babel and odfpy are not needed to run it."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import zipfile

import pytest
from tests_support.repo import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO_ROOT)],
                   check=True, cwd=out)
    (built,) = out.glob("kpidesk-*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(wheel_file):
    with zipfile.ZipFile(wheel_file) as archive:
        yield archive


def test_wheel_carries_the_bundled_folders(wheel):
    names = set(wheel.namelist())
    bundled = "kpidesk/_bundled/"
    for required in (
        "resources/fonts/wqy-microhei.ttc",
        "resources/fonts/LICENSE-wqy-microhei.txt",
        "resources/translations/zh_CN/LC_MESSAGES/kpidesk.mo",
        "resources/icons/kpidesk.svg",
        "resources/starter/customer-service.toml",
        "forms/teamwork.toml",
        "guide/guide.zh.md",
        "guide/guide.en.md",
        "guide/screenshots/staff.png",
    ):
        assert bundled + required in names, required
    shipped_forms = {n.rsplit("/", 1)[1] for n in names if n.startswith(bundled + "forms/")}
    assert shipped_forms == {p.name for p in (REPO_ROOT / "forms").glob("*.toml")}
    icons = {n.rsplit("/", 1)[1] for n in names if n.startswith(bundled + "resources/icons/")}
    assert icons == {p.name for p in (REPO_ROOT / "resources" / "icons").glob("*.svg")}
    mo = wheel.read("kpidesk/_bundled/resources/translations/zh_CN/LC_MESSAGES/kpidesk.mo")
    assert mo == (REPO_ROOT / "resources/translations/zh_CN/LC_MESSAGES/kpidesk.mo").read_bytes()
    assert not any("__pycache__" in n for n in names)


def test_wheel_metadata_runtime_needs_no_babel_or_odfpy(wheel):
    (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = email.message_from_bytes(wheel.read(metadata_name))
    runtime = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert not [r for r in runtime if r.lower().startswith(("babel", "odfpy"))], runtime
    assert any(n.endswith("licenses/LICENSE") for n in wheel.namelist())


def test_the_unpacked_wheel_reads_its_bundled_files_from_anywhere(wheel_file, tmp_path):
    """The package as a non-editable install lays it out, first on the path, run from an unrelated folder:
    every shipped folder resolves inside it, and the Chinese catalogue and the forms are found."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel_file) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "HOME": str(tmp_path / "home"), "KPIDESK_LANG": "zh"}
    script = (
        "import kpidesk.resources as r\n"
        "for p in (r.RESOURCES, r.FORMS_DIR, r.guide_file('zh').parent, r.CJK_FONT_FILE): print(p)\n"
        "from kpidesk.i18n import _, set_language\n"
        "set_language('zh'); print(_('Welcome to KPI Desk'))\n"
        "from kpidesk.services.library.starter import available_starters; print(available_starters())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True,
                          text=True, check=True)
    *paths, welcome, starters = done.stdout.splitlines()
    bundled = site / "kpidesk" / "_bundled"
    assert paths == [str(bundled / "resources"), str(bundled / "forms"), str(bundled / "guide"),
                     str(bundled / "resources" / "fonts" / "wqy-microhei.ttc")]
    assert welcome != "Welcome to KPI Desk"
    assert "customer-service" in starters
    listed = subprocess.run([sys.executable, "-m", "kpidesk", "forms", "list", "--json"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, check=True)
    assert str(bundled / "forms" / "teamwork.toml") in listed.stdout
