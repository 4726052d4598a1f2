"""Reading what people write in form sheets: roles, levels, yes/no, and headers typed by hand."""

from __future__ import annotations

from kpidesk.domain.forms import RaterRole
from kpidesk.exchange import form_sheets as sheets


def test_roles_in_either_language():
    assert sheets.role_from_text("自评 self") is RaterRole.SELF
    assert sheets.role_from_text("上级") is RaterRole.MANAGER
    assert sheets.role_from_text(" Peer ") is RaterRole.PEER
    assert sheets.role_from_text("人事/HR") is RaterRole.HR
    assert sheets.role_from_text("boss") is None
    assert sheets.role_from_text("自评 manager") is None  # contradictory
    assert sheets.role_from_text(None) is None


def test_levels_by_either_label_both_labels_or_points(mini_form):
    def level(value):
        found = sheets.level_from_text(mini_form, value)
        return found.id if found else None

    assert level("优秀 Excellent") == "excellent"
    assert level("良好/Good") == "good"
    assert level("一般") == "fair"
    assert level(50) == "poor"
    assert level("优秀 Poor") is None
    assert level("superb") is None
    assert sheets.level_text(mini_form, "good") == "良好 Good"


def test_yes_no():
    assert sheets.yes_no("是 yes") is True and sheets.yes_no("No") is False
    assert sheets.yes_no("maybe") is None and sheets.yes_no(None) is None


def test_neutralised_text_is_restored():
    assert sheets.unneutralise("'=1+1") == "=1+1"
    assert sheets.unneutralise("'quoted") == "'quoted"


def test_headers_typed_by_hand_are_matched(mini_form):
    sheet = sheets.FilledSheet(
        file="typed.xlsx",
        sheet="Sheet1",
        checksum="0",
        meta={},
        header_row=1,
        headers={
            0: "员工工号",
            1: "Rater role",
            2: "甲（60%）",
            3: "B (40%)",
            4: "评语：甲",
            5: "Comment: B",
            6: "备注",
        },
        keys={},
        rows=[],
    )
    columns, unmatched = sheet.columns_for(mini_form)
    assert columns == {
        "staff_no": 0,
        "role": 1,
        "level:a": 2,
        "level:b": 3,
        "comment:a": 4,
        "comment:b": 5,
    }
    assert unmatched == ["备注"]


def test_a_problem_names_the_column_by_its_excel_letter():
    sheet = sheets.FilledSheet("f.xlsx", "考核表 Form", "", {}, 4, {}, {}, [])
    assert [sheet.place(5, i).column for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    assert sheet.place(5).column is None and sheet.place(5).row == 5
