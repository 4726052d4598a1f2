"""Loading a folder of form files: bad files are reported, good ones still load."""

from __future__ import annotations

from pathlib import Path

from kpidesk.exchange.form_files import load_form_file, load_forms


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def test_folder_with_good_bad_and_duplicate_forms(tmp_path, minimal_form_text):
    write(tmp_path, "a.toml", minimal_form_text)
    write(tmp_path, "b.toml", minimal_form_text.replace('id = "mini"', 'id = "other"'))
    write(tmp_path, "c.toml", minimal_form_text.replace('id = "mini"', 'id = "other"'))
    write(tmp_path, "d.toml", minimal_form_text.replace("weight = 40", "weight = 10"))
    write(tmp_path, "notes.txt", "not a form")
    write(tmp_path, "~e.toml", "editor leftover")
    forms, problems = load_forms(tmp_path)
    assert [form.id for form in forms] == ["mini"]
    assert [p.render() for p in problems] == [
        f"{tmp_path / 'd.toml'}:6: criteria: the criteria weights add up to 70, not 100",
        f'{tmp_path / "b.toml"}:1: id: form id "other" is also used by {tmp_path / "c.toml"}',
        f'{tmp_path / "c.toml"}:1: id: form id "other" is also used by {tmp_path / "b.toml"}',
    ]


def test_bom_and_gbk_files_are_read(tmp_path, minimal_form_text):
    bom = write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + minimal_form_text.encode("utf-8"))
    form, problems = load_form_file(bom)
    assert form is not None and problems == []
    gbk = write(tmp_path, "gbk.toml", minimal_form_text.encode("gbk"))
    form, problems = load_form_file(gbk)
    assert form is not None and form.title.zh == "小表"
    assert [p.message() for p in problems] == ["the file is saved as GBK; it was read, but save it as UTF-8"]


def test_binary_and_missing_files_are_problems_not_crashes(tmp_path):
    binary = write(tmp_path, "x.toml", bytes(range(128, 256)) * 3)
    form, problems = load_form_file(binary)
    assert form is None and problems[0].message() == "the file is not text saved as UTF-8"
    form, problems = load_form_file(tmp_path / "missing.toml")
    assert form is None and problems[0].message().startswith("cannot read the file: ")
    forms, problems = load_forms(tmp_path / "nowhere")
    assert forms == [] and problems[0].message() == "the forms folder does not exist"
