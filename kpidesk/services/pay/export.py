"""The payroll file handed to payroll: one line per person with each component and its explanation.

Written only for a finalized period, from its frozen pay (frozen now if it was not yet), as .xlsx (a payroll
sheet and a department summary with the budgets) or as .csv (UTF-8 with BOM). Money is written as exact
decimals — numbers with two places in the workbook, text such as ``1234.50`` in the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kpidesk.domain.pay import IMPROVEMENT_PLAN, MISSING_BASE, MISSING_SALES, STREAK_BONUS, BudgetCheck
from kpidesk.domain.pay_explanations import COMPONENTS, render_pay_explanation, translator
from kpidesk.domain.periods import Period
from kpidesk.errors import ValidationError
from kpidesk.i18n import N_, _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.scoring import resolve_period
from kpidesk.services.pay.payroll import PeriodPay, check_budget, freeze_pay, require_pay

FLAG_LABELS = {
    IMPROVEMENT_PLAN: N_("improvement plan"),
    MISSING_BASE: N_("no base pay"),
    STREAK_BONUS: N_("streak bonus"),
    MISSING_SALES: N_("no sales figure"),
}

#: Row key → column heading, in file order.
COLUMNS = (
    ("staff_no", N_("Staff no.")),
    ("name", N_("Name")),
    ("department", N_("Department")),
    ("position", N_("Position")),
    ("base_pay", N_("Base pay")),
    ("coefficient", N_("Coefficient")),
    ("performance_pay", N_("Base × coefficient")),
    ("commission", N_("Commission")),
    ("bonus", N_("Bonus")),
    ("allowances", N_("Allowances")),
    ("total", N_("Total pay")),
    ("notes", N_("Notes")),
    ("why_base", N_("How: base × coefficient")),
    ("why_commission", N_("How: commission")),
    ("why_bonus", N_("How: bonus")),
    ("why_allowances", N_("How: allowances")),
)
MONEY_KEYS = ("base_pay", "performance_pay", "commission", "bonus", "allowances", "total")


def flag_text(flags: tuple[str, ...], lang: str | None = None) -> str:
    t = translator(lang)
    return "; ".join(t(FLAG_LABELS[f]) if f in FLAG_LABELS else f for f in flags)


def pay_rows(pay: PeriodPay, lang: str | None = None) -> list[dict[str, Any]]:
    """Rows for a table or a file; in a redacted view base pay, base × coefficient and totals are None."""
    rows = []
    for line in pay.run.lines:
        row: dict[str, Any] = {
            "employee": line.employee, "staff_no": line.staff_no, "name": line.name,
            "department": line.department, "position": line.position or "",
            "base_pay": None if pay.redacted else line.base_pay, "coefficient": line.coefficient,
            "performance_pay": None if pay.redacted else line.performance_pay, "commission": line.commission,
            "bonus": line.bonus, "allowances": line.allowances, "total": None if pay.redacted else line.total,
            "notes": flag_text(line.flags, lang), "flags": line.flags,
        }
        for component in COMPONENTS:
            explanation = line.explanations.get(component)
            row[f"why_{component}"] = "" if explanation is None else render_pay_explanation(explanation, lang)
        rows.append(row)
    return rows


def payroll_frame(pay: PeriodPay, lang: str | None = None):
    """The payroll as a DataFrame with translated headings (money as Decimal)."""
    import pandas as pd

    t = translator(lang)
    rows = pay_rows(pay, lang)
    columns = [(key, heading) for key, heading in COLUMNS
               if not (pay.redacted and key in ("base_pay", "performance_pay", "total"))]
    data = {t(heading): [row[key] for row in rows] for key, heading in columns}
    return pd.DataFrame(data, columns=[t(heading) for _key, heading in columns])


SUMMARY_HEADINGS = (N_("Department"), N_("People"), N_("Base × coefficient"), N_("Commission"), N_("Bonus"),
                    N_("Allowances"), N_("Total pay"), N_("Budget"), N_("Remaining"))


def summary_frame(check: BudgetCheck, lang: str | None = None):
    """Per department: people, each component, total, budget, remaining."""
    import pandas as pd

    t = translator(lang)
    headings = [t(h) for h in SUMMARY_HEADINGS]
    rows = []
    for row in (*check.rows, check.overall):
        totals = row.totals
        rows.append([row.department or t(N_("All departments")), totals.headcount, totals.performance_pay,
                     totals.commission, totals.bonus, totals.allowances, totals.total, row.budget, row.remaining])
    return pd.DataFrame(rows, columns=headings)


@dataclass(frozen=True)
class PayrollExport:
    path: Path
    people: int
    total: Decimal
    snapshot_hash: str | None
    frozen_at: str | None


def export_payroll(session: Session, actor: Actor, period: str | Period, out: str | Path,
                   lang: str | None = None) -> PayrollExport:
    """Write the payroll of a finalized period (.xlsx or .csv by the file's extension). Call it inside a
    write unit of work: a period whose pay is not frozen yet is frozen by its first export."""
    from kpidesk.exchange.writers import SheetSpec, write_csv, write_xlsx

    require_pay(actor)
    target = resolve_period(period)
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(_("A payroll file is .xlsx or .csv, not {suffix}").format(suffix=suffix or "—"))
    pay = freeze_pay(session, actor, target)
    frame = payroll_frame(pay, lang)
    if suffix == ".csv":
        write_csv(path, frame.astype(object).map(lambda v: "" if v is None else v))
    else:
        t = translator(lang)
        money_format = {t(heading): "decimal" for key, heading in COLUMNS if key in MONEY_KEYS}
        check = check_budget(session, actor, target, pay=pay)
        summary = summary_frame(check, lang)
        t = translator(lang)
        heading = t(N_("Payroll {period} · from the finalized results {hash}")).format(
            period=target.code, hash=(pay.snapshot_hash or "")[:12])
        write_xlsx(path, [
            SheetSpec(t(N_("Payroll")), frame, formats=money_format, freeze_columns=2, heading=heading),
            SheetSpec(t(N_("Departments")), summary,
                      formats={h: "decimal" for h in summary.columns[2:]}, freeze_columns=1),
        ])
    totals = pay.run.totals
    return PayrollExport(path, totals.headcount, totals.total, pay.snapshot_hash, pay.frozen_at)
