"""``kpidesk period``: list, open, review, finalize, reopen, and the employees' responses."""

from __future__ import annotations

from kpidesk.cli.output import print_json, print_table
from kpidesk.i18n import _
from kpidesk.i18n.times import format_local_time


def register(subparsers) -> None:
    p = subparsers.add_parser("period", help=_("open, review, finalize and reopen appraisal periods"))
    sub = p.add_subparsers(dest="period_command", metavar="ACTION", required=True)

    s = sub.add_parser("list", help=_("list the periods and their status"))
    s.add_argument("--json", action="store_true", help=_("print JSON"))
    s.set_defaults(handler=run_list)

    s = sub.add_parser("open", help=_("open a period (templates and exemptions with an end date carry over)"))
    s.add_argument("period", nargs="?", help=_("the period to open (default: the next one)"))
    s.add_argument("--dry-run", action="store_true", help=_("print who would be appraised and open nothing"))
    s.add_argument("--json", action="store_true", help=_("print JSON"))
    s.set_defaults(handler=run_open)

    s = sub.add_parser("review", help=_("release the results to employees for acknowledgement or appeal"))
    s.add_argument("period")
    s.set_defaults(handler=run_review)

    s = sub.add_parser("finalize", help=_("lock the period and store its snapshot"))
    s.add_argument("period")
    s.add_argument("--yes", action="store_true",
                   help=_("finalize even when the checklist lists people with something unsettled"))
    s.set_defaults(handler=run_finalize)

    s = sub.add_parser("reopen", help=_("unlock a finalized period (a reason is required)"))
    s.add_argument("period")
    s.add_argument("--reason", required=True, help=_("why the period is reopened (kept in the audit log)"))
    s.set_defaults(handler=run_reopen)

    s = sub.add_parser("acknowledge", help=_("record that an employee acknowledged their result"))
    s.add_argument("period")
    s.add_argument("staff_no")
    s.set_defaults(handler=run_acknowledge)

    s = sub.add_parser("appeal", help=_("record an employee's appeal against their result"))
    s.add_argument("period")
    s.add_argument("staff_no")
    s.add_argument("--text", required=True, help=_("the appeal in the employee's words"))
    s.set_defaults(handler=run_appeal)

    s = sub.add_parser("answer", help=_("record the manager's answer to an appeal"))
    s.add_argument("appeal_id", type=int)
    s.add_argument("--text", required=True, help=_("the answer"))
    s.set_defaults(handler=run_answer)

    s = sub.add_parser("responses", help=_("list acknowledgements and appeals of a period"))
    s.add_argument("period")
    s.add_argument("--json", action="store_true", help=_("print JSON"))
    s.set_defaults(handler=run_responses)


def run_list(args, ctx) -> int:
    from kpidesk.services.appraisal.status_words import period_status_text
    from kpidesk.services.appraisal.use_cases import period_list

    infos = period_list(ctx.db, ctx.actor)
    if args.json:
        print_json([i.to_dict() for i in infos])
        return 0
    headers = [_("Period"), _("Status"), _("Appraisees"), _("Finalized"), _("By"), _("Snapshot")]
    rows = [[i.code, period_status_text(i.status), i.appraisees,
             format_local_time(i.finalized_at), i.finalized_by or "",
             (i.snapshot_hash or "")[:12]] for i in infos]
    print_table(headers, rows)
    return 0


def _roster_change_words() -> dict[str, str]:
    return {"continuing": "", "joined": _("joined"), "transferred": _("transferred"), "left": _("left")}


def run_open(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import open_period, plan_period, propose_next_period

    period = args.period or propose_next_period(ctx.db, ctx.actor)
    if args.dry_run:
        plan = plan_period(ctx.db, ctx.actor, period)
        if args.json:
            print_json(plan.to_dict())
            return 0
        words = _roster_change_words()
        print(_("Opening {period} would appraise {count} people:").format(period=plan.code, count=len(plan.appraised)))
        rows = []
        for line in plan.lines:
            change = words[line.change.value]
            if line.previous_department:
                change = _("transferred from {department}").format(department=line.previous_department)
            template = f"{line.template_key} v{line.template_version}" if line.template_key else ""
            rows.append([line.staff_no, line.name, line.department, template, change])
        print_table([_("Staff no."), _("Name"), _("Department"), _("Template"), _("Change")], rows)
        for exemption in plan.exemptions:
            print(_("Carried over: {staff_no} exempt from {kpi} until {date} ({reason})").format(
                staff_no=exemption.staff_no, kpi=exemption.kpi_code, date=exemption.ends_on.isoformat(),
                reason=exemption.reason))
        return 0
    code = open_period(ctx.db, ctx.actor, period)
    if args.json:
        print_json({"period": code})
        return 0
    print(_("Opened period {period}").format(period=code))
    return 0


def run_review(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import start_review

    code = start_review(ctx.db, ctx.actor, args.period)
    print(_("Period {period} is in review: employees can see and acknowledge or appeal their results").format(
        period=code))
    return 0


def run_finalize(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import finalize_checklist
    from kpidesk.services.closing.use_cases import finalize_period

    checklist = finalize_checklist(ctx.db, ctx.actor, args.period)
    if not checklist.empty and not args.yes:
        print(_("Finalizing {period} would lock {count} results with these unsettled:").format(
            period=checklist.period, count=checklist.employees))
        for entry in checklist.entries:
            print("  " + entry.text())
        print(_("Nothing was finalized. Settle these, or run again with --yes to finalize anyway."))
        return 1
    done = finalize_period(ctx.db, ctx.actor, args.period)
    print(_("Finalized {period}: {count} results, snapshot {hash}").format(
        period=done.code, count=done.employees, hash=done.content_hash))
    return 0


def run_reopen(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import reopen_period

    code = reopen_period(ctx.db, ctx.actor, args.period, args.reason)
    print(_("Reopened {period}").format(period=code))
    return 0


def run_acknowledge(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import record_response

    record_response(ctx.db, ctx.actor, args.period, args.staff_no, "acknowledge")
    print(_("Recorded the acknowledgement of {staff_no}").format(staff_no=args.staff_no))
    return 0


def run_appeal(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import record_response

    appeal_id = record_response(ctx.db, ctx.actor, args.period, args.staff_no, "appeal", args.text)
    print(_("Recorded appeal {id} of {staff_no}").format(id=appeal_id, staff_no=args.staff_no))
    return 0


def run_answer(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import answer_appeal

    answer_appeal(ctx.db, ctx.actor, args.appeal_id, args.text)
    print(_("Recorded the answer to appeal {id}").format(id=args.appeal_id))
    return 0


def run_responses(args, ctx) -> int:
    from kpidesk.services.appraisal.use_cases import list_responses

    rows = list_responses(ctx.db, ctx.actor, args.period)
    if args.json:
        print_json(rows)
        return 0
    kinds = {"acknowledge": _("acknowledged"), "appeal": _("appeal")}
    print_table([_("No."), _("Staff no."), _("Name"), _("Response"), _("Text"), _("Answer")],
                [[r["id"], r["staff_no"], r["name"], kinds.get(r["kind"], r["kind"]), r["text"] or "", r["answer"] or ""]
                 for r in rows])
    return 0
