"""``pay`` (a period's pay, its budget check and the payroll file) and ``pay-config`` (rules, base pay, budgets)."""

from __future__ import annotations

import json
from pathlib import Path

from kpidesk.cli.output import check_out, print_json, print_table
from kpidesk.domain.money import format_money, format_plain
from kpidesk.errors import ValidationError
from kpidesk.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("pay", help=_("a period's pay: base × coefficient, commission, bonus, allowances"))
    p.add_argument("--period", required=True, help=_("period, e.g. 2025-03"))
    p.add_argument("--out", metavar="FILE", help=_("write the payroll (.xlsx or .csv) of a finalized period"))
    p.add_argument("--explain", action="store_true", help=_("print how each component was reached"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=run_pay)

    p = subparsers.add_parser("pay-config", help=_("pay rules, base pay and pay budgets"))
    sub = p.add_subparsers(dest="pay_command", metavar="ACTION", required=True)
    q = sub.add_parser("rules", help=_("show the pay rules (all versions, or the one in force for a period)"))
    q.add_argument("--period", help=_("period, e.g. 2025-03"))
    q.set_defaults(handler=run_rules)
    q = sub.add_parser("set-rules", help=_("add a version of the pay rules from a JSON file"))
    q.add_argument("file", help=_("JSON file with the rules"))
    q.add_argument("--from", dest="effective_from", required=True, help=_("first period the version applies to"))
    q.add_argument("--note", default="", help=_("why the rules change"))
    q.set_defaults(handler=run_set_rules)
    q = sub.add_parser("base", help=_("set an employee's base pay (empty to clear)"))
    q.add_argument("staff_no")
    q.add_argument("amount")
    q.set_defaults(handler=run_base)
    q = sub.add_parser("bonus", help=_("grant a bonus for a period, with its reason"))
    q.add_argument("staff_no")
    q.add_argument("amount")
    q.add_argument("--period", required=True, help=_("period, e.g. 2025-03"))
    q.add_argument("--reason", required=True, help=_("why the bonus is granted"))
    q.set_defaults(handler=run_bonus)
    q = sub.add_parser("budget", help=_("set a pay budget for a period (no department: the whole organisation)"))
    q.add_argument("amount")
    q.add_argument("--period", required=True, help=_("period, e.g. 2025-03"))
    q.add_argument("--department", help=_("top-level department name"))
    q.add_argument("--measure", choices=("total", "performance", "variable"),
                   help=_("what the budget covers: total pay, pay without allowances, or pay above base"))
    q.set_defaults(handler=run_budget)


def _money(value) -> str:
    return "—" if value is None else format_money(value)


def run_pay(args, ctx) -> int:
    from kpidesk.services.pay.export import pay_rows
    from kpidesk.services.pay.status_words import pay_status_text
    from kpidesk.services.pay.use_cases import export_payroll, pay_overview

    if args.out:
        check_out(args.out)
        result = export_payroll(ctx.db, ctx.actor, args.period, args.out)
        print(_("Payroll written: {path} ({people} people, total {total})").format(
            path=result.path, people=result.people, total=format_money(result.total)))
        return 0
    overview = pay_overview(ctx.db, ctx.actor, args.period)
    view, check = overview.view, overview.check
    rows = pay_rows(view)
    if args.json:
        print_json({
            "period": view.period.code, "status": view.status, "source": view.source,
            "snapshot_hash": view.snapshot_hash, "rules_from": view.rules_from, "redacted": view.redacted,
            "lines": [{k: (str(v) if v is not None and k in _DECIMALS else v) for k, v in r.items()
                       if k != "employee"} for r in rows],
            "total": None if view.redacted else str(view.run.totals.total),
        })
        return 0
    headers = [_("Staff no."), _("Name"), _("Department"), _("Coefficient"), _("Base pay"),
               _("Base × coefficient"), _("Commission"), _("Bonus"), _("Allowances"), _("Total pay"), _("Notes")]
    table = [[r["staff_no"], r["name"], r["department"], format_plain(r["coefficient"]), _money(r["base_pay"]),
              _money(r["performance_pay"]), _money(r["commission"]), _money(r["bonus"]), _money(r["allowances"]),
              _money(r["total"]), r["notes"]] for r in rows]
    print_table(headers, table)
    if not view.redacted:
        print(_("Total pay: {total} for {people} people").format(
            total=format_money(view.run.totals.total), people=view.run.totals.headcount))
    if args.explain:
        for r in rows:
            print(f"\n{r['staff_no']} {r['name']}")
            for key in ("why_base", "why_commission", "why_bonus", "why_allowances"):
                print(f"  {r[key]}")
    print(pay_status_text(view))
    if check is not None and any(row.budget is not None for row in (*check.rows, check.overall)):
        print()
        print_table([_("Department"), _("Pay"), _("Budget"), _("Remaining"), _("Used")], [
            [row.department or _("All departments"), _money(row.amount), _money(row.budget), _money(row.remaining),
             "—" if row.used_percent is None else f"{row.used_percent}%" + (" ⚠" if row.over else "")]
            for row in (*check.rows, check.overall)])
    return 0


_DECIMALS = {"base_pay", "coefficient", "performance_pay", "commission", "bonus", "allowances", "total"}


def run_rules(args, ctx) -> int:
    from kpidesk.services.pay import payroll as pay
    from kpidesk.services.pay.use_cases import rule_book

    book = rule_book(ctx.db, ctx.actor)
    if args.period:
        print_json(book.version_for(pay.resolve_period(args.period)).to_dict())
    else:
        print_json(book.to_dict())
    return 0


def run_set_rules(args, ctx) -> int:
    from kpidesk.domain.pay_rules import PayRules
    from kpidesk.services.pay import payroll as pay
    from kpidesk.services.pay.use_cases import save_rules

    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValidationError(_("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(_("{path} is not valid JSON: {error}").format(path=path, error=exc.msg)) from None
    rules = PayRules.from_dict(data.get("rules", data) if isinstance(data, dict) else {})
    book = save_rules(ctx.db, ctx.actor, args.effective_from, rules, args.note)
    print(_("Pay rules saved: in force from {period} ({count} versions)").format(
        period=pay.resolve_period(args.effective_from).code, count=len(book.versions)))
    return 0


def run_base(args, ctx) -> int:
    from kpidesk.services.pay.use_cases import set_base_pay

    value = set_base_pay(ctx.db, ctx.actor, args.staff_no, args.amount)
    print(_("Base pay of {staff_no}: {amount}").format(staff_no=args.staff_no, amount=_money(value)))
    return 0


def run_budget(args, ctx) -> int:
    from kpidesk.services.pay import payroll as pay
    from kpidesk.services.pay.use_cases import set_budget

    budgets = set_budget(ctx.db, ctx.actor, args.period, args.amount, args.department, args.measure)
    shown = budgets.departments.get(args.department) if args.department else budgets.organisation
    print(_("Budget for {period}, {department}: {amount}").format(
        period=pay.resolve_period(args.period).code, department=args.department or _("All departments"),
        amount=_money(shown)))
    return 0


def run_bonus(args, ctx) -> int:
    from kpidesk.services.pay import payroll as pay
    from kpidesk.services.pay.use_cases import grant_bonus

    bonus = grant_bonus(ctx.db, ctx.actor, args.period, args.staff_no, args.amount, args.reason)
    print(_("Bonus for {staff_no} in {period}: {amount} ({reason})").format(
        staff_no=bonus.staff_no, period=pay.resolve_period(args.period).code, amount=_money(bonus.amount),
        reason=bonus.reason))
    return 0
