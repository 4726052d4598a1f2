"""What a printed sheet says about coverage: the weight each KPI counted with beside its template weight, the
KPIs left out (by field name, never code), the composition the total rests on, and "—" for results finalized
before coverage was recorded — whose snapshot and printed hash stay as they were."""

from sqlalchemy import select
from tests_support.scoring_office import build_office, put

from kpidesk.services.appraisal.periods import finalize_period
from kpidesk.services.appraisal.snapshots import content_hash, current_snapshot
from kpidesk.services.printing.sheets import PrintRequest, gather_documents
from kpidesk.services.printing.verification import verify_sheet
from kpidesk.services.safety.period_lock import period_record
from kpidesk.store import models as m

COVERAGE_COLUMNS = ("coverage", "kpi_coverage", "qualitative_included")


def office(db, actor):
    ids = build_office(db, actor)
    with db.write() as s:  # a field named in Chinese, so a note that shows the code is caught
        field = s.execute(select(m.RawField).where(m.RawField.code == "contacts")).scalar_one()
        field.name_zh, field.name_en = "话务量", "Calls handled"
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
                               ids["E2"]: {"resolved": 85, "csat": 90}})  # no contacts: fcr not computable
    return ids


def sheets(db, actor, lang="zh_CN"):
    with db.session() as s:
        pending = gather_documents(s, actor, PrintRequest("2025-03", staff_nos=("E1", "E2"), charts=False, lang=lang))
    return {d.staff_no: d for d in pending.documents}


def test_effective_weights_left_out_kpis_and_the_composition(db, actor):
    office(db, actor)
    found = sheets(db, actor)
    e1, e2 = found["E1"], found["E2"]
    # the half-yearly budget KPI is not due in March: fcr and csat share the whole quantitative score
    assert [(r.weight, r.effective_weight) for r in e1.kpi_rows] == [(50, 62.5), (30, 37.5), (20, 0.0)]
    assert [(r.weight, r.effective_weight) for r in e2.kpi_rows] == [(50, 0.0), (30, 100.0), (20, 0.0)]
    assert e1.left_out == []
    assert e2.left_out == ["一次解决率（无法计算：缺少 话务量）"]
    assert "contacts" not in e2.kpi_rows[0].explanation
    assert e2.composition == "有数据的指标占本期应考核指标权重的 37.5%；无定性部分；总分依据考核表构成的 26.2%"
    # the result header tells the composition the total really has: the quantitative part alone
    assert (e2.quantitative_share, e2.qualitative_share) == (100.0, None)
    english = sheets(db, actor, "en")["E2"]
    assert english.left_out == ["First contact resolution (not computable: Calls handled is missing)"]
    assert english.composition == ("KPIs with data carry 37.5% of the KPI weight due this period; no qualitative "
                                   "part; the total rests on 26.2% of the template")


def test_a_snapshot_from_before_coverage_prints_a_dash_and_still_verifies(db, actor, monkeypatch):
    from kpidesk.services.appraisal import periods, snapshots

    def without_coverage(session, scores):  # as finalized before coverage existed: no coverage columns at all
        content = snapshots.build_snapshot(session, scores)
        content["columns"] = [c for c in content["columns"] if c[0] not in COVERAGE_COLUMNS]
        content["rows"] = [{k: v for k, v in row.items() if k not in COVERAGE_COLUMNS} for row in content["rows"]]
        return content

    office(db, actor)
    monkeypatch.setattr(periods, "build_snapshot", without_coverage)
    with db.write() as s:
        finalize_period(s, actor, "2025-03")
    monkeypatch.undo()
    with db.session() as s:
        stored = current_snapshot(s, period_record(s, "2025-03"))
        assert not any(c[0] in COVERAGE_COLUMNS for c in stored.content["columns"])
        assert stored.content_hash == content_hash(stored.content)  # read back byte for byte
        printed = stored.content_hash
    found = sheets(db, actor)
    assert found["E2"].composition == "—"
    assert found["E2"].snapshot_hash == printed
    assert [r.effective_weight for r in found["E2"].kpi_rows] == [0.0, 100.0, 0.0]  # from the stored statuses
    with db.session() as s:
        assert verify_sheet(s, actor, "2025-03", "E2", printed).ok
