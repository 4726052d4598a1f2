"""Printing from the demo database: finalized sheets come from the snapshot, drafts are marked,
people only print what they may see, and the charts service feeds every chart kind."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kpidesk.errors import Cancelled, NotFound, PermissionDenied, ValidationError
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal.scoring import period_scores, score_records
from kpidesk.services.printing.sheets import PrintRequest, gather_documents, print_documents
from kpidesk.services.progress import CancelToken
from kpidesk.store import models as m

ADMIN = Actor("admin")  # an administrator: every right, audited by name

FINAL, OPEN = "2025-10", "2025-12"


def _texts(path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def _pdf_text(path) -> str:
    return "\n".join(_texts(path))


def test_finalized_sheet_carries_the_snapshot_numbers(demo_db, tmp_path):
    with demo_db.session() as session:
        record = next(r for r in score_records(period_scores(session, FINAL, actor=ADMIN)) if r["staff_no"] == "CS003")
        snapshot_hash = period_scores(session, FINAL, actor=ADMIN).snapshot_hash
    out = tmp_path / "cs003.pdf"
    outcome = print_documents(demo_db, ADMIN, PrintRequest(FINAL, ("CS003",), lang="zh"), out, processes=1)
    assert outcome.finalized and outcome.documents == 1 and outcome.pages >= 1
    text = _pdf_text(out)
    for expected in ("刘洋", "CS003", "客户关怀部", "投诉专员", "李强", "投诉专员考核表", "客户投诉处理关闭率",
                     f"{record['total']:.2f}", f"{record['quantitative']:.2f}", "优秀", snapshot_hash, "自评", "上级评"):
        assert expected in text, expected
    assert "DRAFT" not in text
    reader = PdfReader(str(out))
    assert sum(len(page.images) for page in reader.pages) == 2  # history and radar


def test_open_period_prints_drafts_without_a_hash(demo_db, tmp_path):
    out = tmp_path / "open.pdf"
    outcome = print_documents(demo_db, ADMIN, PrintRequest(OPEN, ("CS001", "CS003"), charts=False, lang="en"), out)
    assert not outcome.finalized
    texts = _texts(out)
    assert all("DRAFT" in t for t in texts)
    assert "SHA-256" not in "".join(texts)
    assert sum(1 for t in texts if re.search(r"Page 1 of \d", t)) == 2  # each sheet numbered on its own


def test_finalized_sheet_is_unchanged_after_the_template_is_edited(demo_db, tmp_path):
    request = PrintRequest(FINAL, ("CS003",), lang="zh")
    before = tmp_path / "before.pdf"
    print_documents(demo_db, ADMIN, request, before, processes=1)
    open_before = tmp_path / "open_before.pdf"
    print_documents(demo_db, ADMIN, PrintRequest(OPEN, ("CS003",), charts=False, lang="zh"), open_before)

    with demo_db.write() as session:  # HR edits the library afterwards: names, targets, weights
        kpi = session.execute(select(m.Kpi).where(m.Kpi.code == "complaint_closure")).scalar_one()
        kpi.name_zh = "投诉按时关闭率（新）"
        for item in session.execute(select(m.TemplateItem).where(m.TemplateItem.kpi_id == kpi.id)).scalars():
            item.target = item.target + 3
            other = next(i for i in item.template.items if i.id != item.id)
            item.weight, other.weight = item.weight - 5, other.weight + 5
        for template in session.execute(select(m.Template)).scalars():
            template.name_zh = template.name_zh + "（2026 版）"

    after = tmp_path / "after.pdf"
    print_documents(demo_db, ADMIN, request, after, processes=1)
    assert after.read_bytes() == before.read_bytes()
    assert "投诉按时关闭率（新）" not in _pdf_text(after)

    open_after = tmp_path / "open_after.pdf"
    print_documents(demo_db, ADMIN, PrintRequest(OPEN, ("CS003",), charts=False, lang="zh"), open_after)
    assert "投诉按时关闭率（新）" in _pdf_text(open_after)  # the open period follows the library
    assert _pdf_text(open_after) != _pdf_text(open_before)


def test_department_summary_ranks_and_counts(demo_db, tmp_path):
    with demo_db.session() as session:
        records = [r for r in score_records(period_scores(session, FINAL, department="客户关怀部", actor=ADMIN))
                   if r["rank_department"] is not None]
    out = tmp_path / "summary.pdf"
    print_documents(demo_db, ADMIN, PrintRequest(FINAL, department="客户关怀部", sheets=False, summary=True,
                                                lang="zh"), out, processes=1)
    text = _pdf_text(out)
    assert "部门绩效考核汇总表" in text and "部门负责人" in text and "等级分布" in text
    assert "周杰" in {r["name"] for r in records}  # the head of department is ranked too
    # the head's name is also printed above and below the table, so the order is checked on the others
    ranked = [r for r in sorted(records, key=lambda r: r["rank_department"]) if r["name"] != "周杰"]
    positions = [text.index(r["name"]) for r in ranked]
    assert positions == sorted(positions)  # rank order
    assert sum(len(p.images) for p in PdfReader(str(out)).pages) == 3


def test_split_names_one_file_per_employee(demo_db, tmp_path):
    folder = tmp_path / "sheets"
    outcome = print_documents(demo_db, ADMIN, PrintRequest(FINAL, ("CS001", "CS003"), charts=False, split=True),
                              folder)
    assert sorted(p.name for p in outcome.paths) == ["2025-10_CS001_王芳.pdf", "2025-10_CS003_刘洋.pdf"]
    assert "王芳" in _pdf_text(folder / "2025-10_CS001_王芳.pdf")


def test_year_sheet_lists_the_months(demo_db, tmp_path):
    out = tmp_path / "year.pdf"
    print_documents(demo_db, ADMIN, PrintRequest(FINAL, ("CS003",), year_sheets=True, lang="zh"), out, processes=1)
    text = _pdf_text(out)
    assert "年度绩效考核表" in text and "刘洋" in text
    for month in range(1, 13):
        assert f"2025-{month:02d}" in text


def test_progress_runs_through_the_stages_and_cancel_leaves_nothing(demo_db, tmp_path):
    seen = []
    print_documents(demo_db, ADMIN, PrintRequest(FINAL, ("CS001", "CS003"), lang="en"), tmp_path / "a.pdf",
                    progress=seen.append, processes=1)
    labels = [p.label for p in seen]
    assert labels[0] == "Reading the results"
    assert "Drawing charts" in labels and labels[-1] == "Laying out the documents"
    assert seen[-1].done == seen[-1].total
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        print_documents(demo_db, ADMIN, PrintRequest(FINAL, ("CS001",)), tmp_path / "b.pdf", cancel=token)
    assert not (tmp_path / "b.pdf").exists()


def test_people_print_only_what_they_may_see(demo_db, tmp_path):
    with demo_db.session() as session:
        wang = session.execute(select(m.Employee).where(m.Employee.staff_no == "CS001")).scalar_one()
        wang_id = wang.id
    stranger = Actor("head", Role.HEAD, department_ids=frozenset({99999}))
    with demo_db.session() as session, pytest.raises((PermissionDenied, NotFound)):
        gather_documents(session, stranger, PrintRequest(FINAL, ("CS001",)))
    employee = Actor("wang", Role.EMPLOYEE, employee_id=wang_id)
    with demo_db.session() as session:
        own = gather_documents(session, employee, PrintRequest(FINAL, charts=False))
        assert [d.staff_no for d in own.documents] == ["CS001"]
        with pytest.raises((PermissionDenied, NotFound)):
            gather_documents(session, employee, PrintRequest(FINAL, ("CS003",), charts=False))


def test_an_employees_year_sheet_leaves_out_the_months_not_released(demo_db):
    with demo_db.session() as session:
        wang_id = session.execute(select(m.Employee.id).where(m.Employee.staff_no == "CS001")).scalar_one()
        opened = session.execute(select(m.PeriodRecord.code).where(m.PeriodRecord.status == "open")).scalars().all()
        employee = Actor("wang", Role.EMPLOYEE, employee_id=wang_id)
        sheet, = gather_documents(session, employee, PrintRequest(FINAL, year_sheets=True, charts=False)).documents
        everything, = gather_documents(session, ADMIN, PrintRequest(FINAL, ("CS001",), year_sheets=True,
                                                                      charts=False)).documents
    assert opened and sheet.staff_no == "CS001" and sheet.periods
    assert [p.period for p in sheet.periods] == [p.period for p in everything.periods if p.period not in opened]
    assert not sheet.finalized


def test_nothing_to_print_is_refused(demo_db):
    with demo_db.session() as session, pytest.raises(ValidationError):
        gather_documents(session, ADMIN, PrintRequest(FINAL, ("CS001",), sheets=False))
    with demo_db.session() as session, pytest.raises(NotFound):
        gather_documents(session, ADMIN, PrintRequest(FINAL, ("NOPE",)))


# --- chart data -------------------------------------------------------------------------------------------


def test_every_chart_kind_has_data(demo_db):
    from kpidesk.charts import data as chart_types
    from kpidesk.services.printing.chart_data import CHART_KINDS, chart_bytes, chart_data

    expected = {"trend": chart_types.EmployeeHistory, "bullet": chart_types.KpiAttainment,
                "radar": chart_types.RadarData, "distribution": chart_types.GradeDistribution,
                "scores": chart_types.TeamScores, "ranking": chart_types.Ranking,
                "team-trend": chart_types.TeamKpiTrend, "fishbone": chart_types.KpiSystem}
    assert set(CHART_KINDS) == set(expected)
    with demo_db.session() as session:
        for kind, kind_type in expected.items():
            data = chart_data(session, ADMIN, kind, OPEN, employee="CS003", department="客户关怀部", kpi="csat",
                              lang="zh")
            assert isinstance(data, kind_type), kind
            assert chart_bytes(kind, data, ".png", lang="zh")[:4] == b"\x89PNG"
        with pytest.raises(ValidationError):
            chart_data(session, ADMIN, "pie", OPEN)
        with pytest.raises(ValidationError):
            chart_data(session, ADMIN, "trend", OPEN)


def test_history_ends_with_the_open_period_and_knows_the_medians(demo_db):
    from kpidesk.services.printing.chart_data import chart_data

    with demo_db.session() as session:
        history = chart_data(session, ADMIN, "trend", OPEN, employee="CS003", lang="zh")
        total = next(r["total"] for r in score_records(period_scores(session, OPEN, actor=ADMIN)) if r["staff_no"] == "CS003")
    assert [p.period for p in history.points] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert history.points[-1].total == pytest.approx(total, abs=0.01)
    assert all(p.department_median is not None for p in history.points)
    assert [b.label for b in history.bands] == ["优秀", "良好", "一般", "差"]


def test_bullet_shows_durations_in_readable_units(demo_db):
    from kpidesk.services.printing.chart_data import chart_data

    with demo_db.session() as session:
        attainment = chart_data(session, ADMIN, "bullet", FINAL, employee="CS003", lang="zh")
    resolution = next(r for r in attainment.rows if r.kpi == "问题解决时间")
    assert resolution.unit == "小时" and resolution.target == pytest.approx(4.0)
    assert resolution.direction == "lower"


def test_radar_compares_self_and_manager_on_the_form_scale(demo_db):
    from kpidesk.services.printing.chart_data import chart_data

    with demo_db.session() as session:
        radar = chart_data(session, ADMIN, "radar", FINAL, employee="CS003", lang="zh")
    assert [s.role for s in radar.series][:2] == ["self", "manager"]
    assert list(radar.scale_labels) == ["差", "一般", "良好", "优秀"]
    assert "团队协作与知识分享" in radar.criteria
    assert all(v is None or 1 <= v <= 4 for s in radar.series for v in s.values)


def test_pdf_bytes_in_memory(demo_db):
    from kpidesk.reports.document import render_documents

    with demo_db.session() as session:
        pending = gather_documents(session, ADMIN, PrintRequest(FINAL, ("CS001",), charts=False))
    buffer = io.BytesIO()
    assert render_documents(pending.documents, buffer) >= 1


@pytest.mark.slow
def test_charts_drawn_in_the_pool_give_the_same_file(demo_db, tmp_path, monkeypatch):
    from kpidesk.services.printing import sheets as printing

    request = PrintRequest(FINAL, ("CS001", "CS003"), lang="zh")
    here = tmp_path / "here.pdf"
    print_documents(demo_db, ADMIN, request, here, processes=1)
    monkeypatch.setattr(printing, "POOL_FROM_CHARTS", 1)
    pooled = tmp_path / "pooled.pdf"
    print_documents(demo_db, ADMIN, request, pooled, processes=2)
    assert pooled.read_bytes() == here.read_bytes()


def test_summary_without_a_department_gives_one_per_department(demo_db):
    with demo_db.session() as session:
        pending = gather_documents(session, ADMIN, PrintRequest(FINAL, sheets=False, summary=True, charts=False))
    assert [d.department for d in pending.documents] == ["客户关怀部"]
    assert len(pending.documents[0].ranking) >= 10
