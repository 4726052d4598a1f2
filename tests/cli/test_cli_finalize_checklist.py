"""``kpidesk period finalize``: with something unsettled it lists it and finalizes nothing unless --yes."""

import json

from tests_support.cli import run


def status(capsys, demo, period):
    _code, out, _err = run(capsys, "--db", demo, "period", "list", "--json")
    return {p["code"]: p["status"] for p in json.loads(out)}[period]


def test_an_unsettled_checklist_stops_finalizing_without_yes(demo, capsys):
    assert run(capsys, "--db", demo, "period", "review", "2025-12")[0] == 0
    code, _out, _err = run(capsys, "--db", demo, "period", "appeal", "2025-12", "CS002", "--text", "数据有误")
    assert code == 0
    code, out, _err = run(capsys, "--db", demo, "period", "finalize", "2025-12")
    assert code == 1
    assert "CS002" in out and "appeal not answered" in out and "--yes" in out
    assert status(capsys, demo, "2025-12") == "review"
    code, out, _err = run(capsys, "--db", demo, "period", "finalize", "2025-12", "--yes")
    assert code == 0 and "2025-12" in out
    assert status(capsys, demo, "2025-12") == "finalized"


def test_an_empty_checklist_finalizes_with_or_without_yes(demo, capsys, monkeypatch):
    from kpidesk.services.appraisal import period_review

    monkeypatch.setattr(period_review, "CHECKLIST_FLAGS", ())
    code, out, _err = run(capsys, "--db", demo, "period", "finalize", "2025-12")
    assert code == 0, out
    assert status(capsys, demo, "2025-12") == "finalized"
    code, out, _err = run(capsys, "--db", demo, "period", "finalize", "2025-11", "--yes")
    assert code in (0, 3)  # 2025-11 may already be finalized in the demo; --yes is accepted either way
