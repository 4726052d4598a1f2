"""Control characters are refused on every text input, naming the row and column in files, and never
reach the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kpidesk.cli import main
from kpidesk.domain.form_parsing import parse_form
from kpidesk.domain.text_rules import check_text, show_controls
from kpidesk.errors import ValidationError
from kpidesk.services.people import staff
from kpidesk.services.safety import auth
from kpidesk.store import models as m

FORMS = Path(__file__).resolve().parent.parent.parent / "forms"


def test_a_bell_in_a_data_file_is_refused_with_its_cell(cli_db, tmp_path, capsys):
    data = tmp_path / "bell.csv"
    data.write_text("工号,姓名,接待总数\nCS001,王芳,462\nCS002,张伟\x07\x1b[2J,491\n", encoding="utf-8")
    code = main(["--db", cli_db, "import", str(data), "--period", "2025-10"])
    err = capsys.readouterr().err
    assert code == 3
    assert "bell.csv, row 3, column B" in err and "U+0007" in err
    assert "\x07" not in err and "\x1b" not in err


def test_a_line_break_in_a_name_of_a_staff_list_is_refused_with_its_cell(cli_db, tmp_path, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "部门"])
    sheet.append(["CS901", "李\n四", "客服部"])
    sheet.append(["CS902", "王五", "客服\t部"])
    book.save(tmp_path / "people.xlsx")
    code = main(["--db", cli_db, "import", str(tmp_path / "people.xlsx"), "--kind", "staff"])
    text = "".join(capsys.readouterr())
    assert code == 3
    assert "row 2, column B" in text and "U+000A" in text
    assert "row 3, column C" in text and "U+0009" in text


@pytest.mark.parametrize("call", [
    lambda s, a: staff.add_employee(s, a, staff_no="E1", name="甲\x1b[31m"),
    lambda s, a: staff.add_employee(s, a, staff_no="E\x07", name="甲"),
    lambda s, a: staff.add_department(s, a, "客服\x85部"),
    lambda s, a: staff.get_or_create_position(s, "坐席\x00"),
    lambda s, a: auth.add_user(s, a, "ad\x08min", "long enough password", "admin"),
])
def test_services_refuse_control_characters_in_names(db, actor, call):
    with db.write() as session:
        with pytest.raises(ValidationError, match="control character U\\+00"):
            call(session, actor)


def test_a_name_with_a_line_break_is_refused_when_edited(db, actor):
    with db.write() as session:
        person = staff.add_employee(session, actor, staff_no="E1", name="甲")
        with pytest.raises(ValidationError, match="U\\+000A"):
            staff.update_employee(session, actor, person.id, name="甲\n乙")


def test_any_other_write_of_a_control_character_is_stopped_at_flush(db):
    with pytest.raises(ValidationError, match="positions.name"):
        with db.write() as session:
            session.add(m.Position(name="坐席\x1b"))


def test_comments_keep_line_breaks_and_tabs_but_not_other_controls():
    check_text("第一行\n第二行\t完", "comment", multiline=True)
    with pytest.raises(ValidationError, match="U\\+0007"):
        check_text("评语\x07", "comment", multiline=True)


def test_a_form_file_with_a_control_character_is_a_problem():
    text = (FORMS / "customer_service_staff.toml").read_text(encoding="utf-8")
    hostile = text.replace('title.zh = "客服', 'title.zh = "\\u001b[31m客服', 1)
    assert hostile != text
    form, problems = parse_form(hostile, "hostile.toml")
    assert form is None
    assert any("control character" in problem.message() and problem.path == "title" for problem in problems)


def test_marks_replace_control_characters_for_display():
    assert show_controls("a\x07b\x1bc\x7fd\x85e\nf") == "a␇b␛c␡d\\x85e\nf"
    assert show_controls("a\nb", keep_lines=False) == "a␊b"
