"""Office exports as real systems write them import with no mapping by hand and no skipped problem rows."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from kpidesk.cli import main
from kpidesk.errors import ValidationError
from kpidesk.services.actor import Actor
from kpidesk.services.imports.registry import apply_import, preview_import
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

REAL = Path(__file__).resolve().parent.parent / "data" / "real"


def preview(db, path, **kw):
    with db.session() as session:
        return preview_import(session, path, **{"actor": ADMIN, **kw})


def test_staff_list_totals_line_is_set_aside_not_a_person_nor_a_problem(db, actor):
    p = preview(db, REAL / "roster_2025-11.xlsx", kind="staff")
    assert p.problems == []
    assert p.counts["new"] == 5 and p.counts["rows"] == 5
    assert [line.describe() for line in p.skipped_lines] == ["not imported: totals row (row 9): 合计：5人"]
    result = apply_import(db, actor, p)
    assert result.counts["added"] == 5


def test_gb18030_staff_list_with_english_total_line(db, actor):
    p = preview(db, REAL / "roster_gb18030.csv", kind="staff")
    assert p.problems == [] and p.counts["new"] == 4
    assert [(s.row, s.reason) for s in p.skipped_lines] == [(7, "totals")]


def test_cli_preview_lists_the_set_aside_line(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init"]) == 0
    assert main(["--db", path, "import", str(REAL / "roster_2025-11.xlsx"), "--kind", "staff", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "not imported: totals row (row 9): 合计：5人" in out
    assert "problem:" not in out and "warning:" not in out


# --------------------------------------------------------------------------- value columns recognised


@pytest.fixture
def november(starter_db, actor):
    """The starter library, the roster's five people and an open 2025-11."""
    apply_import(starter_db, actor, preview(starter_db, REAL / "roster_2025-11.xlsx", kind="staff"))
    with starter_db.write() as session:
        session.add(m.PeriodRecord(code="2025-11", kind="month", starts_on=dt.date(2025, 11, 1),
                                   ends_on=dt.date(2025, 11, 30), status="open"))
    return starter_db


def stored(db, period="2025-11") -> dict:
    with db.session() as session:
        rows = session.execute(
            select(m.Employee.staff_no, m.Measurement.field_code, m.Measurement.value)
            .join(m.Employee, m.Employee.id == m.Measurement.employee_id)
            .join(m.PeriodRecord, m.PeriodRecord.id == m.Measurement.period_id)
            .where(m.PeriodRecord.code == period)
        ).all()
    return {(s, f): v for s, f, v in rows}


def test_agent_report_imports_every_column_exactly_with_no_mapping(november, actor):
    p = preview(november, REAL / "agent_report_2025-11.xlsx", period="2025-11")
    assert p.problems == []
    how = {c.column: (c.field, c.how) for c in p.extra["columns"]}
    assert how["话务/接通量(次)"] == ("contacts", "alias")
    assert how["满意度(%)"] == ("csat", "alias") and how["内部编码"] == (None, None)
    assert [c.samples for c in p.extra["columns"] if c.field == "contacts"] == [("４１２", "380", "455")]
    apply_import(november, actor, p)
    values = stored(november)
    assert values[("RF101", "contacts")] == Decimal("412")
    assert values[("RF101", "avg_handle_time")] == Decimal("252")
    assert values[("RF102", "avg_handle_time")] == Decimal("72")
    assert values[("RF103", "avg_handle_time")] == Decimal("38")
    assert values[("RF101", "csat")] == Decimal("88.5") and values[("RF102", "csat")] == Decimal("91")
    assert values[("RF102", "qa_score")] == Decimal("90")
    assert ("RF103", "csat") not in values and ("RF103", "complaints") not in values  # — and 无 are missing
    assert ("RF104", "avg_handle_time") not in values
    assert len([k for k in values if k[0] == "RF101"]) == 6


@pytest.mark.parametrize("name", ["survey_2025-11_gbk.csv", "survey_2025-11_utf8.csv"])
def test_survey_exports_in_either_spelling_land_on_the_survey_fields(november, actor, name):
    p = preview(november, REAL / name, period="2025-11")
    assert p.problems == []
    assert {c.field for c in p.extra["columns"]} >= {
        "survey_score", "callbacks_planned", "callbacks_done", "promoters", "passives", "detractors"}
    apply_import(november, actor, p)
    values = stored(november)
    assert values[("RF101", "survey_score")] == Decimal("4.8")
    assert values[("RF102", "survey_score")] == Decimal("4.6")
    assert values[("RF103", "callbacks_done")] == Decimal("40")
    assert values[("RF101", "promoters")] == Decimal("30") and values[("RF103", "detractors")] == Decimal("0")


def test_an_unsure_guess_is_left_out_until_confirmed(november, actor, tmp_path):
    path = tmp_path / "qa.csv"
    path.write_text("工号,质检平均分\nRF101,92\nRF102,88\n", encoding="utf-8")
    p = preview(november, path, period="2025-11")
    assert [(pr.code, pr.blocking) for pr in p.problems] == [("unconfirmed_guess", False)]
    assert p.counts["values"] == 0
    confirmed = preview(november, path, period="2025-11", accept_guesses=True)
    assert confirmed.problems == [] and confirmed.counts["values"] == 2
    apply_import(november, actor, confirmed)
    assert stored(november)[("RF101", "qa_score")] == Decimal("92")


def test_cli_lists_every_column_and_accepts_guesses(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", path, "import", str(REAL / "roster_2025-11.xlsx"), "--kind", "staff"]) == 0
    assert main(["--db", path, "period", "open", "2025-11"]) == 0
    qa = tmp_path / "qa.csv"
    qa.write_text("工号,质检平均分\nRF101,92\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", path, "import", str(qa), "--period", "2025-11", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  工号 → staff_no (exact)" in out
    assert "质检平均分 → qa_score (guess" in out and "--accept-guesses" in out
    assert main(["--db", path, "import", str(qa), "--period", "2025-11", "--accept-guesses"]) == 0
    assert "inserted 1" in capsys.readouterr().out


# --------------------------------------------------------------------------- remembered mappings


def open_period(db, code, start, end):
    with db.write() as session:
        session.add(m.PeriodRecord(code=code, kind="month", starts_on=start, ends_on=end, status="open"))


def test_a_confirmed_mapping_is_used_again_next_month(november, actor, tmp_path):
    open_period(november, "2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    first = tmp_path / "质检_2025-11.csv"
    first.write_text("工号,质检平均分,录音编号\nRF101,92,L1\n", encoding="utf-8")
    apply_import(november, actor, preview(november, first, period="2025-11", accept_guesses=True))
    second = tmp_path / "质检_2025-12.csv"
    second.write_text("工号,质检平均分,录音编号\nRF101,94,L7\nRF102,81,L8\n", encoding="utf-8")
    p = preview(november, second, period="2025-12")
    assert p.problems == [] and p.extra["profile"] == "auto: 质检_#-#.csv"
    assert [(c.field, c.how) for c in p.extra["columns"] if c.column == "质检平均分"] == [("qa_score", "profile")]
    apply_import(november, actor, p)
    assert stored(november, "2025-12")[("RF102", "qa_score")] == Decimal("81")


def test_a_file_named_otherwise_with_the_same_columns_finds_the_profile_and_a_named_one_wins(november, actor,
                                                                                             tmp_path):
    first = tmp_path / "qa.csv"
    first.write_text("工号,服务质量分\nRF101,92\n", encoding="utf-8")
    apply_import(november, actor, preview(november, first, period="2025-11", overrides={"服务质量分": "qa_score"}))
    renamed = tmp_path / "export (3).csv"
    renamed.write_text("工号,服务质量分\nRF101,93\n", encoding="utf-8")
    assert [c.how for c in preview(november, renamed, period="2025-11").extra["columns"]] == ["exact", "profile"]
    named = preview(november, renamed, period="2025-11", remembered=False)
    assert [(c.field, c.how) for c in named.extra["columns"]][1] != ("qa_score", "profile")


# --------------------------------------------------------------------------- scales


def test_five_point_scores_are_never_stored_as_percentages(november, actor, tmp_path):
    p = preview(november, REAL / "survey_2025-11_gbk.csv", period="2025-11",
                overrides={"满意度(5分制)": "csat"})
    assert (p.problems[0].code, p.problems[0].row, p.problems[0].blocking) == ("wrong_scale", None, True)
    assert "scores out of 5 (4.8分, 4.6, 4.9分)" in p.problems[0].message
    plain = tmp_path / "csat.csv"
    plain.write_text("工号,客户满意度\nRF101,4.6\nRF102,4.8\n", encoding="utf-8")
    routed = preview(november, plain, period="2025-11")  # the values' scale sends the column to the 5-point field
    assert routed.problems == []
    assert [(c.field, c.how) for c in routed.extra["columns"]][1] == ("survey_score", "alias")


def test_a_value_above_the_five_point_scale_is_a_problem_at_its_row(november, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("工号,满意度(5分制)\nRF101,4.8分\nRF102,92\n", encoding="utf-8")
    p = preview(november, path, period="2025-11")
    assert [(pr.code, pr.row) for pr in p.problems] == [("wrong_scale", 3)]
    assert "above the 5-point scale of survey_score" in p.problems[0].message


def test_percentages_and_fractions_still_go_to_percent_fields(november):
    p = preview(november, REAL / "agent_report_2025-11.xlsx", period="2025-11")
    assert not [pr for pr in p.problems if pr.code == "wrong_scale"]


# --------------------------------------------------------------------------- the right month


def test_a_month_the_file_contradicts_blocks_until_confirmed(november, actor):
    open_period(november, "2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    p = preview(november, REAL / "agent_report_2025-11.xlsx", period="2025-12")
    assert [(pr.code, pr.blocking) for pr in p.problems] == [("period_mismatch", True)]
    assert p.problems[0].message == "the file says 2025-11 (file name); you chose 2025-12"
    with pytest.raises(ValidationError):
        apply_import(november, actor, p, skip_problem_rows=True)
    confirmed = preview(november, REAL / "agent_report_2025-11.xlsx", period="2025-12", period_mismatch_ok=True)
    assert not confirmed.blocked
    apply_import(november, actor, confirmed)
    assert stored(november, "2025-12")[("RF101", "contacts")] == Decimal("412")


def test_the_title_row_names_the_month_when_the_file_name_does_not(november, tmp_path):
    renamed = tmp_path / "坐席报表.xlsx"
    shutil.copy(REAL / "agent_report_2025-11.xlsx", renamed)
    open_period(november, "2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    p = preview(november, renamed, period="2025-12")
    assert p.problems[0].message == "the file says 2025-11 (title row 1); you chose 2025-12"


def test_with_no_period_chosen_the_files_month_is_proposed(november):
    p = preview(november, REAL / "survey_2025-11_gbk.csv")
    assert p.problems == [] and p.extra["periods"] == ["2025-11"]
    assert "period 2025-11 taken from the file's file name" in p.notes


def test_cli_names_the_option_that_confirms_a_mismatch(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", path, "import", str(REAL / "roster_2025-11.xlsx"), "--kind", "staff"]) == 0
    assert main(["--db", path, "period", "open", "2025-12"]) == 0
    capsys.readouterr()
    args = ["--db", path, "import", str(REAL / "agent_report_2025-11.xlsx"), "--period", "2025-12"]
    assert main(args) == 3
    assert "you chose 2025-12 (confirm with --period-mismatch-ok)" in capsys.readouterr().out
    assert main([*args, "--period-mismatch-ok"]) == 0


# --------------------------------------------------------------------------- what changes


def test_the_preview_lists_old_to_new_per_person_and_field(november, actor, tmp_path):
    apply_import(november, actor, preview(november, REAL / "agent_report_2025-11.xlsx", period="2025-11"))
    corrected = tmp_path / "agent_report_2025-11.csv"
    corrected.write_text("坐席工号,坐席姓名,接通量(次),投诉(次)\nRF101,周敏,420,1\nRF103,郑爽,455,2\n", encoding="utf-8")
    p = preview(november, corrected, period="2025-11")
    changes = p.extra["changes"]
    assert [c.describe() for c in changes.changed] == ["RF101 周敏 · contacts 2025-11: 412 → 420"]
    assert [c.describe() for c in changes.new] == ["RF103 郑爽 · complaints 2025-11: — → 2"]
    assert (changes.changed_total, changes.new_total) == (1, 1)
    assert changes.changed[0].row == 2


def test_cli_show_changes(tmp_path, capsys):
    path = str(tmp_path / "k.db")
    assert main(["--db", path, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", path, "import", str(REAL / "roster_2025-11.xlsx"), "--kind", "staff"]) == 0
    assert main(["--db", path, "period", "open", "2025-11"]) == 0
    assert main(["--db", path, "import", str(REAL / "survey_2025-11_gbk.csv"), "--period", "2025-11"]) == 0
    fixed = tmp_path / "survey_2025-11.csv"
    fixed.write_text("工号,姓名,已回访数\nRF101,周敏,39\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", path, "import", str(fixed), "--period", "2025-11", "--dry-run", "--show-changes"]) == 0
    out = capsys.readouterr().out
    assert "Changed values (old → new): 1\n  RF101 周敏 · callbacks_done 2025-11: 38 → 39\nNew values: 0" in out


# --------------------------------------------------------------------------- right file, right kind


def test_a_survey_imported_as_a_staff_list_is_refused_and_says_what_it_looks_like(november):
    p = preview(november, REAL / "survey_2025-11_gbk.csv", kind="staff")
    assert [(pr.code, pr.blocking) for pr in p.problems] == [("wrong_kind", True)]
    assert "looks like performance data (columns 满意度(5分制), 应回访数(个)" in p.problems[0].message


def test_a_staff_list_imported_as_data_says_it_is_a_staff_list(november):
    with pytest.raises(ValidationError, match=r"looks like a staff list \(columns 班组, 岗位, 入职日期\)"):
        preview(november, REAL / "roster_2025-11.xlsx", period="2025-11")


def test_a_survey_imported_as_filled_forms_says_it_is_performance_data(november):
    with pytest.raises(ValidationError, match=r"looks like performance data \(columns 满意度\(5分制\), 应回访数\(个\)"
                                              r".*not filled forms; import it as data"):
        preview(november, REAL / "survey_2025-11_gbk.csv", kind="forms", period="2025-11")


def test_a_staff_list_imported_as_filled_forms_of_a_chosen_form_says_it_is_a_staff_list(november):
    from kpidesk.services.forms.sheet_import import preview_forms_import

    with november.session() as session, pytest.raises(
            ValidationError, match=r"looks like a staff list \(columns 班组, 岗位, 入职日期\), not filled forms") as raised:
        preview_forms_import(session, REAL / "roster_2025-11.xlsx", period="2025-11", form_key="customer_service_staff")
    assert raised.value.place.file == "roster_2025-11.xlsx"


def test_form_sheet_messages_name_no_command_line_option(db, tmp_path):
    from kpidesk.services.forms.sheet_import import preview_forms_import

    path = tmp_path / "forms.csv"
    path.write_text("工号,姓名,评价角色,服务态度\nRF101,周敏,上级,优秀\n", encoding="utf-8")
    with db.session() as session, pytest.raises(ValidationError) as raised:
        preview_forms_import(session, path)
    assert "--" not in str(raised.value)


def test_a_period_column_that_contradicts_the_chosen_period_blocks(november, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("工号,考核周期,接待总数\nRF101,2025年11月,400\n", encoding="utf-8")
    open_period(november, "2025-12", dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    p = preview(november, path, period="2025-12")
    assert [pr.message for pr in p.problems if pr.code == "period_mismatch"] == [
        "the file says 2025-11 (period column); you chose 2025-12"]
    assert not preview(november, path, period="2025-11").problems
