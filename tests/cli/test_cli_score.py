"""``kpidesk score`` and ``kpidesk period`` on the demo database: output shapes and exit codes."""

import csv
import json

from tests_support.cli import run

from kpidesk.cli import main


def test_score_json_has_the_documented_shape(demo, capsys):
    code, out, err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [r["staff_no"] for r in data] == sorted(r["staff_no"] for r in data)
    keys = {"staff_no", "name", "department", "team", "quantitative", "qualitative", "adjustments", "total", "grade",
            "grade_code", "grade_computed", "rank_department", "rank_organisation", "flags", "kpis", "coverage",
            "kpi_coverage", "qualitative_included"}
    assert all(set(r) == keys for r in data)
    scored = [r for r in data if r["total"] is not None]
    assert scored and all(r["department"] == "客户关怀部" for r in data)
    assert {r["team"] for r in scored} == {"一组", "二组", None}  # the head belongs to the department itself
    for record in scored:
        assert record["grade"] in {"Excellent", "Good", "Fair", "Poor"}
        assert isinstance(record["rank_department"], int)
        for item in record["kpis"].values():
            assert set(item) == {"value", "score", "weight", "status"}
            assert item["status"] in {"ok", "missing", "exempt", "not_computable", "not_due"}
    ranks = sorted(r["rank_organisation"] for r in scored)
    assert ranks[0] == 1


def test_score_department_filter_keeps_ranks(demo, capsys):
    _code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--format", "json")
    everyone = {r["staff_no"]: r for r in json.loads(out)}
    code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--department", "二组", "--format", "json")
    assert code == 0
    team = json.loads(out)
    assert team and all(r["team"] == "二组" for r in team)
    assert all(r["rank_organisation"] == everyone[r["staff_no"]]["rank_organisation"] for r in team)
    code, _out, err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--department", "没有")
    assert code == 3 and err.count("\n") == 1


def test_score_csv_to_a_file_opens_in_excel(demo, capsys, tmp_path):
    target = tmp_path / "scores.csv"  # the folder must exist: --out never creates parents
    code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--format", "csv", "--out", str(target))
    assert code == 0 and out == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel reads the Chinese names
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["staff_no"] == "CS000" and "fcr.score" in rows[0]
    assert any(r["name"] == "王芳" and r["grade_code"] for r in rows)
    _code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-06", "--format", "json")
    coverage = {r["staff_no"]: r["coverage"] for r in json.loads(out)}
    assert all(float(r["coverage"]) == coverage[r["staff_no"]] for r in rows if r["coverage"])
    assert any(r["coverage"] for r in rows) and all(0 <= float(r["coverage"]) <= 1 for r in rows if r["coverage"])


def test_score_table_in_chinese(demo, capsys):
    code, out, _err = run(capsys, "--lang", "zh", "--db", demo, "score", "--period", "2025-06")
    assert code == 0
    assert "王芳" in out and ("优秀" in out or "良好" in out)


def test_score_errors_are_one_line_with_exit_code_3(demo, capsys):
    code, _out, err = run(capsys, "--db", demo, "score", "--period", "2024-01")
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err
    code, _out, err = run(capsys, "--db", demo, "score", "--period", "not-a-period")
    assert code == 3
    assert main(["--db", demo, "score"]) == 2  # --period is required


def test_period_workflow_from_the_command_line(demo, capsys):
    code, out, _err = run(capsys, "--db", demo, "period", "list", "--json")
    assert code == 0
    listed = {p["code"]: p for p in json.loads(out)}
    assert listed["2025-12"]["status"] == "open"

    code, out, _err = run(capsys, "--db", demo, "period", "finalize", "2025-12", "--yes")  # the demo has gaps
    assert code == 0 and "2025-12" in out
    code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-12", "--format", "json")
    finalized = json.loads(out)
    assert run(capsys, "--db", demo, "period", "finalize", "2025-12", "--yes")[0] == 3

    assert main(["--db", demo, "period", "reopen", "2025-12"]) == 2  # --reason is required
    capsys.readouterr()
    assert run(capsys, "--db", demo, "period", "reopen", "2025-12", "--reason", " ")[0] == 3
    code, out, _err = run(capsys, "--db", demo, "period", "reopen", "2025-12", "--reason", "late survey data")
    assert code == 0
    _code, out, _err = run(capsys, "--db", demo, "score", "--period", "2025-12", "--format", "json")
    assert json.loads(out) == finalized  # same data, recomputed

    assert run(capsys, "--db", demo, "period", "open", "2026-01")[0] == 0
    assert run(capsys, "--db", demo, "period", "open", "2026-01")[0] == 3
    assert run(capsys, "--db", demo, "period", "review", "2025-12")[0] == 0
    code, out, _err = run(capsys, "--db", demo, "period", "appeal", "2025-12", "CS002", "--text", "数据有误")
    assert code == 0
    assert run(capsys, "--db", demo, "period", "acknowledge", "2025-12", "CS001")[0] == 0
    code, out, _err = run(capsys, "--db", demo, "period", "responses", "2025-12", "--json")
    responses = json.loads(out)
    assert [(r["staff_no"], r["kind"]) for r in responses] == [("CS002", "appeal"), ("CS001", "acknowledge")]
    assert run(capsys, "--db", demo, "period", "answer", str(responses[0]["id"]), "--text", "已复核")[0] == 0
    code, out, _err = run(capsys, "--db", demo, "period", "list")
    assert code == 0 and "2026-01" in out


def test_quarter_rolls_up_its_months(demo, capsys):
    code, out, err = run(capsys, "--db", demo, "score", "--period", "2025-Q1", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert any(r["total"] is not None for r in data)


def test_period_list_shows_when_a_period_was_finalized_in_local_time(demo, capsys, monkeypatch):
    import sqlite3
    import time

    con = sqlite3.connect(demo)
    con.execute("UPDATE periods SET finalized_at = '2025-12-03 17:30:00' WHERE code = '2025-11'")
    con.commit()
    con.close()
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        code, out, _err = run(capsys, "--db", demo, "period", "list")
        code_json, out_json, _err = run(capsys, "--db", demo, "period", "list", "--json")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert code == 0 and code_json == 0
    line = next(text for text in out.splitlines() if text.lstrip().startswith("2025-11"))
    assert "2025-12-04 01:30" in line
    listed = {p["code"]: p for p in json.loads(out_json)}
    assert listed["2025-11"]["finalized_at"] == "2025-12-03T17:30:00", "JSON keeps the stored UTC time"
