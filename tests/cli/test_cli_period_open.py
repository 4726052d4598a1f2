"""``kpidesk period open``: without a period it opens the next one; ``--dry-run`` prints the roster only."""

import json

from tests_support.cli import run


def listed(capsys, demo):
    _code, out, _err = run(capsys, "--db", demo, "period", "list", "--json")
    return {p["code"] for p in json.loads(out)}


def test_dry_run_prints_the_next_periods_roster_and_opens_nothing(demo, capsys):
    before = listed(capsys, demo)
    code, out, err = run(capsys, "--db", demo, "period", "open", "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["period"] == "2026-01"
    assert plan["appraisees"] == len([r for r in plan["roster"] if r["change"] != "left"]) > 0
    with_template = [r for r in plan["roster"] if r["template"]]
    assert with_template and all(r["template_version"] >= 1 for r in with_template)
    code, out, _err = run(capsys, "--db", demo, "period", "open", "--dry-run")
    assert code == 0 and "2026-01" in out and "CS001" in out
    assert listed(capsys, demo) == before


def test_open_without_a_period_opens_the_next_one(demo, capsys):
    code, out, _err = run(capsys, "--db", demo, "period", "open")
    assert code == 0 and "2026-01" in out
    assert "2026-01" in listed(capsys, demo)
    code, out, _err = run(capsys, "--db", demo, "period", "open", "--json")
    assert code == 0 and json.loads(out) == {"period": "2026-02"}


def test_dry_run_of_a_named_period(demo, capsys):
    code, out, _err = run(capsys, "--db", demo, "period", "open", "2026-03", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["period"] == "2026-03"
    assert "2026-03" not in listed(capsys, demo)
