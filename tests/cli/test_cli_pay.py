"""``kpidesk pay`` and ``kpidesk pay-config`` on the pay service tests' office."""

import json

import pytest
from tests_support import pay_office as office_module

from kpidesk.cli import main
from kpidesk.services.closing import finalize as closing

RULES_JSON = {
    "coefficient": {"source": "score", "cap": "1.1"},
    "commission": {"style": "whole", "basis": "sales", "brackets": [
        {"upto": "40000", "rate_percent": "1"}, {"upto": "60000", "rate_percent": "2", "add_on": "200"},
        {"upto": "80000", "rate_percent": "3", "add_on": "300"}, {"upto": None, "rate_percent": "4"}]},
    "allowances": [{"code": "meal", "amount": "300", "zh": "餐补", "en": "Meal allowance"}],
}


@pytest.fixture
def office_db(db, actor, tmp_path):
    ids = office_module.build_office(db, actor)
    office_module.put(db, actor, "2025-01", {ids["E1"]: {"qa": 97, "sales": 55000}, ids["E2"]: {"qa": 88},
                                             ids["E3"]: {"qa": 60}, ids["E4"]: {"qa": 75, "sales": 90000}})
    path = str(db.path)
    db.dispose()
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES_JSON), encoding="utf-8")
    assert main(["--db", path, "pay-config", "set-rules", str(rules), "--from", "2025-01", "--note", "start"]) == 0
    for staff_no, amount in (("E1", "8000"), ("E2", "6000"), ("E3", "5000"), ("E4", "7000")):
        assert main(["--db", path, "pay-config", "base", staff_no, amount]) == 0
    assert main(["--db", path, "pay-config", "budget", "--period", "2025-01", "--department", "客服部", "20000"]) == 0
    assert main(["--db", path, "pay-config", "bonus", "E2", "120", "--period", "2025-01", "--reason", "项目"]) == 0
    return path


def test_draft_pay_table_with_budget_and_explanations(office_db, capsys):
    capsys.readouterr()
    assert main(["--db", office_db, "pay", "--period", "2025-01", "--explain"]) == 0
    out = capsys.readouterr().out
    e1 = next(line for line in out.splitlines() if line.startswith("E1 "))
    assert "8,000.00" in e1 and "7,760.00" in e1 and "1,300.00" in e1  # 8000 × 0.97; 55,000 × 2% + 200
    assert "sales 55,000.00 in the bracket 40,000.00 – 60,000.00: 55,000.00 × 2% + add-on 200.00 = 1,300.00" in out
    assert "Draft: period 2025-01 is open" in out
    assert "bonus 120.00 (项目)" in out
    budget_line = next(line for line in out.splitlines() if line.startswith("客服部") and "20,000.00" in line)
    assert "⚠" not in budget_line


def test_the_draft_line_names_the_status_in_words(office_db, capsys):
    assert main(["--db", office_db, "period", "review", "2025-01"]) == 0
    capsys.readouterr()
    assert main(["--db", office_db, "pay", "--period", "2025-01"]) == 0
    assert "Draft: period 2025-01 is in review;" in capsys.readouterr().out
    assert main(["--db", office_db, "--lang", "zh", "pay", "--period", "2025-01"]) == 0
    out = capsys.readouterr().out
    assert "2025-01" in out and "review" not in out


def test_payroll_export_needs_a_finalized_period_then_freezes(office_db, tmp_path, capsys, actor):
    target = tmp_path / "payroll.csv"
    assert main(["--db", office_db, "pay", "--period", "2025-01", "--out", str(target)]) == 3
    assert "not finalized" in capsys.readouterr().err
    from kpidesk.store.db import open_database

    database = open_database(office_db)
    with database.write() as s:
        closing.finalize_period(s, actor, "2025-01")
    database.dispose()
    assert main(["--db", office_db, "--lang", "zh", "pay", "--period", "2025-01", "--out", str(target)]) == 0
    assert "工资表已导出" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8-sig").splitlines()[0].startswith("工号,姓名,部门")
    assert main(["--db", office_db, "pay", "--period", "2025-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "frozen" and data["status"] == "finalized"
    e4 = next(line for line in data["lines"] if line["staff_no"] == "E4")
    assert (e4["performance_pay"], e4["commission"], e4["total"]) == ("5250.00", "3600.00", "9150.00")


def test_pay_config_rules_show_and_refusals(office_db, tmp_path, capsys):
    capsys.readouterr()
    assert main(["--db", office_db, "pay-config", "rules", "--period", "2025-03"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["effective_from"] == "2025-01" and shown["note"] == "start"
    assert shown["rules"]["commission"]["style"] == "whole"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["--db", office_db, "pay-config", "set-rules", str(bad), "--from", "2025-02"]) == 3
    assert main(["--db", office_db, "pay-config", "base", "E1", "-3"]) == 3
    assert main(["--db", office_db, "pay", "--period", "2025-01", "--out", str(tmp_path / "x.pdf")]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err
