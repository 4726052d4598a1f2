"""The wheel carries everything the installed app reads: fonts, compiled catalogues, icons, starter
libraries, forms, the user guide and the licence; babel and odfpy are not needed to run it."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile

import pytest
from tests_support.repo import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO_ROOT)],
                   check=True, cwd=out)
    (built,) = out.glob("kpidesk-*.whl")
    with zipfile.ZipFile(built) as archive:
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
