"""``kpidesk forms list|check|export|import|scores``."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from kpidesk.cli import main
from kpidesk.domain.periods import parse_period
from kpidesk.exchange import form_sheets as sheets
from kpidesk.resources import FORMS_DIR
from kpidesk.services.people.staff import add_employee, get_or_create_department, get_or_create_position
from kpidesk.store import models as m

SHIPPED = {
    "customer_relationship",
    "customer_relations_manager",
    "customer_relations_specialist",
    "senior_customer_relations_manager",
    "customer_service_staff",
    "innovation",
    "manager_stakeholder",
    "personal_development",
    "professional_skills",
    "service_attitude",
    "teamwork",
}


def test_list_shows_every_shipped_form(capsys):
    from kpidesk.store.locations import default_database_path

    assert main(["forms", "list"]) == 0
    out = capsys.readouterr().out
    for key in SHIPPED:
        assert key in out
    assert "Customer service staff – qualitative appraisal" in out
    assert not default_database_path().exists()  # listing forms does not create a database


def test_list_in_chinese_and_as_json(tmp_path, capsys):
    assert main(["--lang", "zh", "forms", "list"]) == 0
    assert "客服人员综合定性考核表" in capsys.readouterr().out
    assert main(["forms", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {item["key"] for item in data["forms"]} == SHIPPED and data["problems"] == []


def test_list_shows_versions_stored_in_the_database(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "init", "--starter", "customer-service"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "forms", "list", "--json"]) == 0
    forms = {item["key"]: item for item in json.loads(capsys.readouterr().out)["forms"]}
    assert forms["customer_service_staff"]["stored_versions"] == [1]
    assert forms["teamwork"]["stored_versions"] == []


def test_check_a_good_file(capsys):
    assert main(["forms", "check", str(FORMS_DIR / "teamwork.toml")]) == 0
    out = capsys.readouterr().out
    assert "form teamwork version 1, 4 criteria" in out
    assert "0 error(s), 0 warning(s)" in out


def test_check_the_whole_folder(capsys):
    assert main(["forms", "check"]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_check_a_broken_file_prints_file_line_and_key(tmp_path, capsys):
    path = tmp_path / "teamwork.toml"
    text = (FORMS_DIR / "teamwork.toml").read_text("utf-8")
    path.write_text(text.replace('anchors.fair.zh = "偶尔分享', 'anchors.superb.zh = "偶尔分享'), "utf-8")
    line = next(
        i for i, t in enumerate(path.read_text("utf-8").splitlines(), 1) if t.startswith("anchors.superb")
    )
    assert main(["forms", "check", str(path)]) == 3
    out = capsys.readouterr().out
    assert (
        f'{path}:{line}: criteria[2].anchors.superb: unknown level "superb"; the levels are excellent, good, fair, poor'
        in out
    )
    assert "1 error(s), 1 warning(s)" in out  # the fair anchor's English text is left without its Chinese


def test_check_in_chinese(tmp_path, capsys):
    path = tmp_path / "x.toml"
    path.write_text(
        'id = "x"\nversion = 1\ntitle = "表"\n[[criteria]]\nid = "a"\nweight = 90\ntitle = "甲"\n', "utf-8"
    )
    assert main(["--lang", "zh", "forms", "check", str(path)]) == 3
    out = capsys.readouterr().out
    assert "指标权重合计为 90，而不是 100" in out
    assert "x.toml:3: title: 缺少英文；将使用中文" in out


def test_check_a_folder_with_a_broken_file(tmp_path, capsys):
    folder = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, folder)
    (folder / "broken.toml").write_text("id = \n", "utf-8")
    assert main(["forms", "check", "--dir", str(folder)]) == 3
    assert "broken.toml:1: this is not valid TOML" in capsys.readouterr().out


@pytest.fixture
def office_db(starter_db, actor):
    with starter_db.write() as session:
        department = get_or_create_department(session, "客服部")
        position = get_or_create_position(session, "客服代表")
        boss = add_employee(session, actor, staff_no="M01", name="周经理", department_id=department.id)
        for number, name in (("S01", "王芳"), ("S02", "张伟")):
            add_employee(
                session,
                actor,
                staff_no=number,
                name=name,
                department_id=department.id,
                position_id=position.id,
                manager_id=boss.id,
            )
        period = parse_period("2025-03")
        session.add(
            m.PeriodRecord(
                code=period.code, kind=period.kind.value, starts_on=period.start, ends_on=period.end
            )
        )
    return str(starter_db.path)


def test_export_fill_import_and_score(office_db, tmp_path, capsys):
    out = tmp_path / "sheets"
    assert (
        main(
            [
                "--db",
                office_db,
                "forms",
                "export",
                "--period",
                "2025-03",
                "--form",
                "customer_service_staff",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "sheet(s) written" in capsys.readouterr().out
    path = out / "customer_service_staff_2025-03_M01_周经理.xlsx"
    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    for key, column in keys.items():
        if key.startswith("level:"):
            sheet.cell(row=5, column=column, value="良好")
            sheet.cell(row=6, column=column, value="Excellent")
        if key.startswith("comment:"):
            sheet.cell(row=6, column=column, value="带新人")
    book.save(path)

    assert main(["--db", office_db, "forms", "import", str(path), "--dry-run"]) == 0
    preview = capsys.readouterr().out
    assert "2 line(s) — 2 submitted, 0 draft(s)" in preview
    assert main(["--db", office_db, "forms", "import", str(path)]) == 0
    assert "2 response(s) saved" in capsys.readouterr().out
    assert main(["--db", office_db, "forms", "scores", "--period", "2025-03", "--json"]) == 0
    scores = {row["staff_no"]: row for row in json.loads(capsys.readouterr().out)}
    assert scores["S01"]["score"] == 85 and scores["S02"]["score"] == 100
    assert scores["S01"]["left_out"] == ["self:no_response", "peer:no_response"]


def test_import_with_problems_exits_3_and_saves_nothing(office_db, tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    assert (
        main(
            [
                "--db",
                office_db,
                "forms",
                "export",
                "--period",
                "2025-03",
                "--form",
                "customer_service_staff",
                "--out",
                str(path),
                "--blank",
            ]
        )
        == 0
    )
    book = load_workbook(path)
    sheet = book[sheets.FORM_SHEET]
    keys = {cell.value: cell.column for cell in sheet[4] if cell.value}
    sheet.cell(row=5, column=keys["level:teamwork"], value="superb")
    book.save(path)
    capsys.readouterr()
    assert main(["--db", office_db, "forms", "import", str(path)]) == 3
    captured = capsys.readouterr()
    assert "row 5" in captured.out and "superb is not a level of this form" in captured.out
    assert "Nothing was saved" in captured.err
    assert main(["--db", office_db, "forms", "scores", "--period", "2025-03", "--json"]) == 0
    assert all(row["score"] is None for row in json.loads(capsys.readouterr().out))
