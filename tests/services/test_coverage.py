"""Coverage: the share of the template's composition a result rests on, and the minimum coverage to grade."""

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import period_scores, score_records
from kpidesk.services.safety.settings import load_settings, save_settings

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def _load_office_builder():
    path = Path(__file__).with_name("test_scoring_service.py")
    spec = importlib.util.spec_from_file_location("scoring_service_office_coverage", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


office_module = _load_office_builder()


@pytest.fixture
def office(db, actor):
    ids = office_module.build_office(db, actor)
    office_module.put(db, actor, "2025-03", {
        ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
        ids["E2"]: {"resolved": 85, "contacts": 100},  # no csat: 50 of the 80 KPI points due this month
        ids["E3"]: {"resolved": 60, "contacts": 100, "csat": 70},
    })
    return ids


def records(db):
    with db.session() as s:
        return {r["staff_no"]: r for r in score_records(period_scores(s, "2025-03", actor=ADMIN))}


def set_minimum(db, actor, percent):
    with db.write() as s:
        save_settings(s, actor, replace(load_settings(s), min_coverage_to_grade=percent), only=["min_coverage_to_grade"])


def test_each_result_says_how_much_of_the_template_it_rests_on(office, db):
    found = records(db)
    e1, e2 = found["E1"], found["E2"]
    # the half-yearly budget KPI is not due in March and does not count against coverage
    assert (e1["kpi_coverage"], e1["qualitative_included"]) == (1.0, False)
    assert e1["coverage"] == pytest.approx(0.7)  # 70 % quantitative share, no forms answered
    assert e2["kpi_coverage"] == pytest.approx(round(50 / 80, 4))
    assert e2["coverage"] == pytest.approx(round(0.7 * 50 / 80, 4))
    json.dumps(list(found.values()))  # plain data


def test_below_the_minimum_there_is_no_grade_and_no_rank(office, db, actor):
    assert records(db)["E2"]["grade"] is not None  # off by default
    set_minimum(db, actor, 60)
    found = records(db)
    e2 = found["E2"]
    assert e2["total"] is not None
    assert (e2["grade"], e2["grade_code"], e2["rank_department"], e2["rank_organisation"]) == (None, None, None, None)
    assert "insufficient_data" in e2["flags"]
    e1 = found["E1"]
    assert e1["grade"] is not None and e1["rank_organisation"] == 1 and "insufficient_data" not in e1["flags"]
    ranked = sorted(r["rank_organisation"] for r in found.values() if r["rank_organisation"] is not None)
    assert ranked == list(range(1, len(ranked) + 1)) or ranked[0] == 1  # the ungraded person takes no place


def test_the_minimum_is_a_percentage(office, db, actor):
    from kpidesk.errors import ValidationError

    with pytest.raises(ValidationError):
        set_minimum(db, actor, 120)
