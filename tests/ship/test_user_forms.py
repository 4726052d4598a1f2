"""The office's own forms folder (in the user data folder): a form there with a bundled form's id replaces
it, ``forms list`` says where each form comes from, and a broken own form is reported while the rest load."""

from __future__ import annotations

import json

import pytest

from kpidesk.cli import main
from kpidesk.errors import KpiDeskError
from kpidesk.resources import FORMS_DIR
from kpidesk.services.forms.catalogue import find_form
from kpidesk.store.locations import user_forms_folder

BROKEN_LINE = 'anchors.superb.zh = "偶尔分享'


@pytest.fixture
def own_folder():
    folder = user_forms_folder()
    folder.mkdir(parents=True)
    return folder


def own_teamwork(folder, version=2):
    text = (FORMS_DIR / "teamwork.toml").read_text("utf-8").replace("version = 1", f"version = {version}", 1)
    (folder / "teamwork.toml").write_text(text, "utf-8")


def listed(capsys, *options):
    assert main(["forms", "list", "--json", *options]) in (0, 3)
    return json.loads(capsys.readouterr().out)


def test_without_an_own_folder_every_form_is_bundled(capsys):
    assert not user_forms_folder().exists()
    data = listed(capsys)
    assert {item["source"] for item in data["forms"]} == {"bundled"}
    for item in data["forms"]:
        assert item["path"] == str(FORMS_DIR / f"{item['key']}.toml")
    assert data["problems"] == []


def test_an_own_form_replaces_the_bundled_one_with_its_id(own_folder, capsys):
    own_teamwork(own_folder)
    forms = {item["key"]: item for item in listed(capsys)["forms"]}
    assert forms["teamwork"]["source"] == "user" and forms["teamwork"]["version"] == 2
    assert forms["teamwork"]["path"] == str(own_folder / "teamwork.toml")
    assert forms["innovation"]["source"] == "bundled"
    assert find_form("teamwork").version == 2


def test_an_added_form_is_listed_as_own(own_folder, capsys):
    text = (FORMS_DIR / "innovation.toml").read_text("utf-8").replace('id = "innovation"', 'id = "safety_walk"')
    (own_folder / "safety_walk.toml").write_text(text, "utf-8")
    forms = {item["key"]: item for item in listed(capsys)["forms"]}
    assert forms["safety_walk"]["source"] == "user" and forms["innovation"]["source"] == "bundled"
    assert main(["forms", "list"]) == 0
    out = capsys.readouterr().out
    assert "own" in out and "bundled" in out and str(own_folder / "safety_walk.toml") in out


def test_a_broken_own_form_is_reported_with_file_key_and_line_and_the_rest_load(own_folder, capsys):
    own_teamwork(own_folder)
    path = own_folder / "teamwork.toml"
    path.write_text(path.read_text("utf-8").replace('anchors.fair.zh = "偶尔分享', BROKEN_LINE), "utf-8")
    line = next(i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if t.startswith("anchors.superb"))
    data = listed(capsys)
    assert f"{path}:{line}: criteria[2].anchors.superb: unknown level" in "\n".join(data["problems"])
    forms = {item["key"]: item for item in data["forms"]}
    bundled = {path.stem for path in FORMS_DIR.glob("*.toml")}
    assert set(forms) == bundled and forms["teamwork"]["source"] == "bundled"
    assert main(["forms", "check"]) == 3
    assert f"{path}:{line}: criteria[2].anchors.superb" in capsys.readouterr().out
    with pytest.raises(KpiDeskError) as caught:  # the office meant its own copy: no silent fallback
        find_form("teamwork")
    assert str(path) in str(caught.value)
    assert find_form("innovation").id == "innovation"


def test_the_list_speaks_chinese(own_folder, capsys):
    own_teamwork(own_folder)
    assert main(["--lang", "zh", "forms", "list"]) == 0
    out = capsys.readouterr().out
    assert "来源" in out and "本单位" in out and "内置" in out
