"""The pay section of a printed period sheet, from the period's pay as HR sees it.

A finalized period prints its frozen pay (what payroll was handed); otherwise the pay computed now, marked
as a draft. Each component says what it rests on (the grade or score behind the coefficient, the sales
figure and the commission table's style, the bonuses, the allowances) and how it was reached — the same
working the payroll file carries. Money is formatted by :mod:`kpidesk.domain.money`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.charts.translate import Translate
from kpidesk.domain.grades import GradeScale
from kpidesk.domain.money import ZERO, format_money, format_plain, to_decimal
from kpidesk.domain.pay import PayLine
from kpidesk.domain.pay_explanations import PayExplanation, render_pay_explanation
from kpidesk.domain.pay_rules import DEFAULT_RULE_BOOK
from kpidesk.i18n.times import DAY, format_local_time
from kpidesk.reports.numbers import DASH
from kpidesk.reports.sheet_data import PayRow, PaySection
from kpidesk.services.pay.payroll import PeriodPay
from kpidesk.store import models as m


@dataclass(frozen=True)
class PayPrint:
    """What the pay sections of one print run share: the period's pay and how to word it."""

    pay: PeriodPay
    lang: str
    _: Translate
    scale: GradeScale
    basis_names: Mapping[str, str]  # commission basis code → the field's or KPI's name in ``lang``
    lines: Mapping[str, PayLine] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # a frozen run's employee ids come back from JSON, so lines are matched by their text
        index: dict[str, PayLine] = {}
        for line in self.pay.run.lines:
            index[f"id:{line.employee}"] = line
            index.setdefault(f"no:{line.staff_no}", line)
        object.__setattr__(self, "lines", index)

    def line(self, employee_id: Hashable, staff_no: str = "") -> PayLine | None:
        return self.lines.get(f"id:{employee_id}") or (self.lines.get(f"no:{staff_no}") if staff_no else None)


def pay_print(session: Session, pay: PeriodPay, lang: str, translate: Translate, scale: GradeScale) -> PayPrint:
    codes = {str(e.values["basis"]) for line in pay.run.lines for e in line.explanations.values()
             if e.component == "commission" and e.values.get("basis")}
    return PayPrint(pay, lang, translate, scale, basis_names(session, codes, lang))


def basis_names(session: Session, codes: Iterable[str], lang: str) -> dict[str, str]:
    """The readable names of commission bases (a raw field, else a KPI, of that code); unknown codes stay codes."""
    wanted = set(codes)
    names: dict[str, str] = {}
    if not wanted:
        return names
    for model in (m.Kpi, m.RawField):  # the raw field, read last, wins
        for code, zh, en in session.execute(select(model.code, model.name_zh, model.name_en)
                                            .where(model.code.in_(wanted))):
            names[code] = (zh if lang == "zh_CN" else en) or zh or en or code
    return names


def pay_section(printing: PayPrint, employee_id: Hashable, staff_no: str = "") -> PaySection:
    """One employee's pay section."""
    _ = printing._
    pay = printing.pay
    note = _notice(printing)
    line = printing.line(employee_id, staff_no)
    if line is None:
        return PaySection((), DASH, note=_("No pay was computed for this employee in {period}.").format(
            period=pay.period.code), draft=pay.source != "frozen")
    explained = {name: _render(printing, e) for name, e in line.explanations.items()}
    base = line.explanations.get("base")
    hidden = pay.redacted or line.base_pay is None
    rows = [
        PayRow(_("Base pay"), _base_basis(printing, line, pay.redacted),
               DASH if line.base_pay is None or pay.redacted else format_money(line.base_pay)),
        PayRow(_("Performance coefficient"), _coefficient_basis(printing, base),
               f"× {format_plain(line.coefficient)}"),
        PayRow(_("Base pay × coefficient"), "", DASH if hidden else format_money(line.performance_pay),
               explained.get("base", "")),
        PayRow(_("Commission"), _commission_basis(printing, line.explanations.get("commission")),
               format_money(line.commission), explained.get("commission", "")),
        PayRow(_("Bonus"), _bonus_basis(printing, line.explanations.get("bonus")), format_money(line.bonus),
               explained.get("bonus", "")),
        PayRow(_("Allowances"), _allowance_basis(printing, line.explanations.get("allowances")),
               format_money(line.allowances), explained.get("allowances", "")),
    ]
    return PaySection(rows, DASH if pay.redacted else format_money(line.total),
                      _("base × coefficient + commission + bonus + allowances"), note, pay.source != "frozen")


def _render(printing: PayPrint, explanation: PayExplanation) -> str:
    return render_pay_explanation(explanation, printing.lang, printing.scale)


def _notice(printing: PayPrint) -> str:
    _ = printing._
    pay = printing.pay
    if pay.source == "frozen":
        when = format_local_time(pay.frozen_at, DAY) or DASH
        status = _("Frozen with the finalized results on {date}.").format(date=when)
    elif not pay.is_final:
        status = _("Draft — the period is not finalized: pay is computed from the current results and may still change.")
    else:
        status = _("Draft — the period is finalized but its pay is not frozen yet: computed with today's base pay and pay rules.")
    default = pay.rules_from == DEFAULT_RULE_BOOK.versions[0].effective_from.code
    rules = _("Default pay rules.") if default else _("Pay rules in force from {period}.").format(
        period=pay.rules_from)
    return ("" if printing.lang == "zh_CN" else " ").join((status, rules))


def _base_basis(printing: PayPrint, line: PayLine, redacted: bool) -> str:
    _ = printing._
    if redacted:
        return _("Shown to HR only")
    return _("Staff record") if line.base_pay is not None else _("No base pay recorded")


def _grade_label(printing: PayPrint, code: str | None) -> str:
    if not code:
        return DASH
    try:
        return printing.scale.label(code, printing.lang) or code
    except KeyError:
        return code


def _coefficient_basis(printing: PayPrint, explanation: PayExplanation | None) -> str:
    """Where the coefficient came from: the grade, the total score, or the fallback."""
    _ = printing._
    if explanation is None:
        return ""
    v = explanation.values
    if v.get("reason") == "unknown_grade":
        return _("Fallback: grade {grade} has no coefficient").format(grade=_grade_label(printing, v.get("grade")))
    if v.get("reason"):
        return _("Fallback: no result this period")
    if v.get("divisor"):
        text = _("Total score {total} ÷ {divisor}").format(total=format_plain(to_decimal(v["total"] or "0")),
                                                              divisor=format_plain(to_decimal(v["divisor"] or "0")))
        if v.get("limited") == "cap":
            text += ", " + _("capped at {limit}").format(limit=format_plain(to_decimal(v["limit"] or "0")))
        elif v.get("limited") == "floor":
            text += ", " + _("not below {limit}").format(limit=format_plain(to_decimal(v["limit"] or "0")))
        return text
    if v.get("grade"):
        return _("Grade: {grade}").format(grade=_grade_label(printing, v.get("grade")))
    return ""


def _commission_basis(printing: PayPrint, explanation: PayExplanation | None) -> str:
    """The sales figure the commission rests on and the style of the table."""
    _ = printing._
    if explanation is None or explanation.kind == "no_table":
        return _("No commission table")
    basis = str(explanation.values.get("basis") or "")
    name = printing.basis_names.get(basis, basis) or DASH
    if explanation.kind == "no_sales":
        return _("No figure for {basis}").format(basis=name)
    style = _("marginal table") if explanation.kind == "marginal" else _("whole-amount table")
    sales = format_money(to_decimal(explanation.values.get("sales")) or ZERO)
    return f"{name} {sales} · {style}"


def _bonus_basis(printing: PayPrint, explanation: PayExplanation | None) -> str:
    _ = printing._
    if explanation is None:
        return ""
    if explanation.kind == "withheld":
        return _("Withheld: improvement plan")
    parts = []
    for item in explanation.items:
        if item.get("type") == "streak":
            parts.append(_("Streak bonus"))
        else:
            parts.append(item.get("note") or _("Bonus granted"))
    return ", ".join(parts) if parts else _("None")


def _allowance_basis(printing: PayPrint, explanation: PayExplanation | None) -> str:
    _ = printing._
    if explanation is None or not explanation.items:
        return _("None")
    chinese = printing.lang == "zh_CN"
    labels = [(item.get("zh") if chinese else item.get("en")) or item.get("zh") or item.get("en")
              or item.get("code") or "" for item in explanation.items]
    return ("、" if chinese else ", ").join(labels)
