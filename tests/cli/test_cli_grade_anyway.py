"""``kpidesk period grade-anyway``: a person below the minimum coverage graded with a reason, and taken back."""

import json

import pytest
from tests_support.cli import run
from tests_support.scoring_office import build_office, put

from kpidesk.store.db import open_database


@pytest.fixture
def office_file(tmp_path, actor):
    """The scoring tests' office with no forms answered: every result rests on 70 %, below the new 80 %."""
    path = tmp_path / "office.db"
    db = open_database(path)
    ids = build_office(db, actor, min_coverage=80)
    put(db, actor, "2025-03", {ids["E1"]: {"resolved": 96, "contacts": 100, "csat": 95},
                               ids["E3"]: {"resolved": 60, "contacts": 100, "csat": 70}})
    db.dispose()
    return str(path)


def scores(capsys, path):
    code, out, err = run(capsys, "--db", path, "score", "--period", "2025-03", "--format", "json")
    assert code == 0, err
    return {r["staff_no"]: r for r in json.loads(out)}


def test_grade_anyway_grades_the_person_and_says_so_in_the_scores(office_file, capsys):
    assert scores(capsys, office_file)["E1"]["grade"] is None
    code, out, err = run(capsys, "--db", office_file, "period", "grade-anyway", "2025-03", "E1",
                         "--reason", "三周病假，数据不全")
    assert code == 0, err
    assert "E1" in out
    found = scores(capsys, office_file)
    assert found["E1"]["grade"] is not None and found["E1"]["rank_organisation"] == 1
    assert "graded_despite_insufficient_data" in found["E1"]["flags"]
    assert found["E3"]["grade"] is None and "insufficient_data" in found["E3"]["flags"]
    code, out, _err = run(capsys, "--db", office_file, "score", "--period", "2025-03")
    assert code == 0 and "graded despite too little data" in out and "too little data to grade" in out
    code, _out, err = run(capsys, "--db", office_file, "period", "grade-anyway", "2025-03", "E1",
                          "--withdraw", "--reason", "数据已补齐")
    assert code == 0, err
    assert scores(capsys, office_file)["E1"]["grade"] is None


def test_grade_anyway_refuses_an_empty_reason_and_an_unknown_person(office_file, capsys):
    code, _out, err = run(capsys, "--db", office_file, "period", "grade-anyway", "2025-03", "E1", "--reason", " ")
    assert code != 0 and "reason" in err.lower()
    code, _out, err = run(capsys, "--db", office_file, "period", "grade-anyway", "2025-03", "X9", "--reason", "r")
    assert code != 0 and "X9" in err
    assert scores(capsys, office_file)["E1"]["grade"] is None
