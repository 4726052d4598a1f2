"""How scoring reads stored values: exact floats from the stored decimals, and a longer period's own values
before its months."""

from decimal import Decimal

import pytest
from tests_support.scoring_office import build_office, put

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import compute_period

ADMIN = Actor("admin")
HALF = ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")


def frame_for(db, period):
    with db.session() as s:
        return compute_period(s, period, actor=ADMIN).set_index("staff_no")


def test_decimal_values_reach_the_engine_as_the_nearest_float(db, actor):
    ids = build_office(db, actor)
    put(db, actor, "2025-03", {ids["E1"]: {"csat": Decimal("88.7"), "resolved": Decimal("0.1"),
                                           "contacts": Decimal("0.3")},
                               ids["E2"]: {"csat": Decimal("-1.000001")}})
    frame = frame_for(db, "2025-03")
    assert frame.loc["E1", "csat.value"] == 88.7
    assert frame.loc["E1", "fcr.value"] == pytest.approx(0.1 / 0.3 * 100, rel=0, abs=1e-12)
    assert frame.loc["E2", "csat.value"] == -1.000001


def test_a_half_year_with_values_of_its_own_is_valued_from_them_not_its_months(db, actor):
    from kpidesk.services.appraisal.periods import open_period

    ids = build_office(db, actor, months=HALF)
    for period in HALF:
        put(db, actor, period, {ids["E1"]: {"cost": 100, "budget": 100, "resolved": 90, "contacts": 100}})
    with db.write() as s:
        open_period(s, actor, "2025-H1")
    put(db, actor, "2025-H1", {ids["E1"]: {"cost": 620, "budget": 600}})
    frame = frame_for(db, "2025-06")
    assert frame.loc["E1", "budget.value"] == pytest.approx(20 / 600 * 100)  # the months alone give 0 %


def test_the_june_sheet_reads_every_half_year_kpi_over_the_same_months(db, actor):
    ids = build_office(db, actor, months=HALF)
    for number, period in enumerate(HALF):
        put(db, actor, period, {ids["E1"]: {"cost": 100 + number, "budget": 100},
                                ids["E2"]: {"cost": 90, "budget": 100}})
    frame = frame_for(db, "2025-06")
    assert frame.loc["E1", "budget.value"] == pytest.approx(15 / 600 * 100)
    assert frame.loc["E2", "budget.value"] == pytest.approx(-10)


def test_forms_nobody_answered_score_as_combining_no_answers_does(demo_db):
    from sqlalchemy import delete, select

    from kpidesk.domain.forms import combine_raters
    from kpidesk.services.forms.catalogue import FormCache
    from kpidesk.services.forms.scores import organisation_form_scores
    from kpidesk.store import models as m

    with demo_db.write() as session:  # one person's answers gone: their forms are scored as unanswered
        record = session.execute(select(m.PeriodRecord).where(m.PeriodRecord.code == "2025-12")).scalar_one()
        someone = session.execute(select(m.FormResponse.employee_id).where(
            m.FormResponse.period_id == record.id)).scalars().first()
        responses = select(m.FormResponse.id).where(m.FormResponse.period_id == record.id,
                                                    m.FormResponse.employee_id == someone)
        session.execute(delete(m.FormRating).where(m.FormRating.response_id.in_(responses)))
        session.execute(delete(m.FormResponse).where(m.FormResponse.id.in_(responses)))
    with demo_db.session() as session:
        scores = organisation_form_scores(session, "2025-12")
        forms = FormCache(session)
        unanswered = scores[someone]
        assert unanswered and all(item.score.score is None for item in unanswered)
        for item in unanswered:
            assert item.score == combine_raters(forms(item.form_version_id), [], None)
        answered = [item for employee, items in scores.items() if employee != someone for item in items]
        assert any(item.score.score is not None for item in answered)


def test_the_values_kept_for_a_snapshot_are_listed_only_when_asked_for(db, actor):
    from kpidesk.services.appraisal.scoring import resolve_period
    from kpidesk.services.appraisal.scoring_inputs import load_period

    ids = build_office(db, actor)
    put(db, actor, "2025-03", {ids["E1"]: {"csat": Decimal("88.7"), "resolved": 9, "contacts": 10}})
    with db.session() as s:
        loaded = load_period(s, resolve_period("2025-03"))
    assert "inputs" not in vars(loaded)  # a computation does not list them
    assert loaded.inputs[ids["E1"]] == {"csat": 88.7, "resolved": 9.0, "contacts": 10.0}


def test_stored_columns_give_each_field_its_people_in_stored_order(db, actor):
    """The database returns a period's rows as one list each of codes, people and values; split by field,
    every field keeps its own rows in the order they were stored and blanks are left out."""
    from sqlalchemy import select

    from kpidesk.services.appraisal.stored_values import MEASUREMENT_SCALE, stored_columns
    from kpidesk.store import models as m

    ids = build_office(db, actor, months=("2025-01", "2025-02"))
    put(db, actor, "2025-01", {ids["E2"]: {"resolved": 7, "contacts": Decimal("0.25")},
                               ids["E1"]: {"contacts": 10, "resolved": None, "cost": 3}})
    put(db, actor, "2025-02", {ids["E1"]: {"cost": Decimal("1.5")}})
    with db.session() as s:
        periods = dict(s.execute(select(m.PeriodRecord.code, m.PeriodRecord.id)).all())
        january, february = periods["2025-01"], periods["2025-02"]
        read = [(period, code, ids_.tolist(), (scaled / MEASUREMENT_SCALE).tolist())
                for period, code, ids_, scaled in stored_columns(s, [january, february])]
        only_cost = [code for _p, code, _i, _v in stored_columns(s, [january], ["cost", "nothing"])]
    assert read == [
        (january, "resolved", [ids["E2"]], [7.0]),
        (january, "contacts", [ids["E2"], ids["E1"]], [0.25, 10.0]),
        (january, "cost", [ids["E1"]], [3.0]),
        (february, "cost", [ids["E1"]], [1.5]),
    ]
    assert only_cost == ["cost"]


def _counting_hashes(monkeypatch) -> list[str]:
    from kpidesk.services.appraisal import snapshots

    hashed: list[str] = []
    content_hash = snapshots.content_hash

    def counted(content):
        hashed.append(content_hash(content))
        return hashed[-1]

    monkeypatch.setattr(snapshots, "content_hash", counted)
    return hashed


def test_a_finalized_period_is_checked_by_hashing_its_stored_text(demo_db, actor, monkeypatch):
    """Encoding a 5,000-person snapshot again to hash it took half a second; its stored text is the
    canonical one, so it is hashed as it is."""
    from kpidesk.services.appraisal import use_cases as appraisal

    hashed = _counting_hashes(monkeypatch)
    scores = appraisal.period_scores(demo_db, actor, "2025-11")
    assert scores.source == "snapshot" and hashed == []


def test_a_snapshot_stored_by_an_older_version_is_checked_by_its_content(demo_db, actor, monkeypatch):
    """Snapshots written before the canonical text was stored keep their spaced text: they are read,
    hashed once by their content and accepted."""
    import json

    from sqlalchemy import Text, select, type_coerce, update

    from kpidesk.services.appraisal import use_cases as appraisal
    from kpidesk.store import models as m

    snapshots = m.Snapshot.__table__
    with demo_db.engine.begin() as connection:
        snapshot_id, text = connection.execute(
            select(snapshots.c.id, type_coerce(snapshots.c.content, Text)).join(m.PeriodRecord.__table__)
            .where(m.PeriodRecord.code == "2025-11", snapshots.c.superseded.is_(False))).one()
        spaced = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
        assert spaced != text
        connection.execute(update(snapshots).where(snapshots.c.id == snapshot_id)
                           .values(content=type_coerce(spaced, Text)))
    hashed = _counting_hashes(monkeypatch)
    scores = appraisal.period_scores(demo_db, actor, "2025-11")
    assert scores.source == "snapshot" and len(hashed) == 1
    assert not scores.frame.empty


def test_a_snapshot_changed_in_the_database_is_still_refused(demo_db, actor):
    from sqlalchemy import select, update

    from kpidesk.errors import CorruptDatabase
    from kpidesk.services.appraisal import use_cases as appraisal
    from kpidesk.store import models as m

    snapshots = m.Snapshot.__table__
    with demo_db.engine.begin() as connection:  # underneath KPI Desk, as another program would
        snapshot_id, content = connection.execute(
            select(snapshots.c.id, snapshots.c.content).join(m.PeriodRecord.__table__)
            .where(m.PeriodRecord.code == "2025-11", snapshots.c.superseded.is_(False))).one()
        content["rows"][0]["total"] = 100.0  # the hash beside it left as it was
        connection.execute(update(snapshots).where(snapshots.c.id == snapshot_id).values(content=content))
    with pytest.raises(CorruptDatabase, match="checksum"):
        appraisal.period_scores(demo_db, actor, "2025-11")


def test_the_stored_integers_are_read_whole_or_refused():
    """The lists the database writes are parsed in one pass; a list cut short or holding anything but
    integers is refused, never read as fewer values that would pair with the wrong people."""
    from kpidesk.services.appraisal.stored_values import _integers

    assert _integers("12,-3,9007199254740993", 3).tolist() == [12, -3, 9007199254740993]
    for broken in ("12,x,4", "12,3"):
        with pytest.raises(ValueError):
            _integers(broken, 3)


def test_a_sheet_reads_its_finalized_snapshot_once_per_session(demo_db, actor, monkeypatch):
    """The scores, then the template lines of a finalized period read its snapshot; decoding it twice cost a
    5,000-person month another half second."""
    import json

    from kpidesk.services.printing.chart_data import load_scored_period

    decoded: list[int] = []
    loads = json.loads

    def counted(text, *args, **kwargs):
        if isinstance(text, str) and '"rows":' in text:
            decoded.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counted)
    with demo_db.session() as session:
        scored = load_scored_period(session, "2025-11", actor=actor)
        assert scored.templates and scored.snapshot
        load_scored_period(session, "2025-11", actor=actor)
    assert len(decoded) == 1
