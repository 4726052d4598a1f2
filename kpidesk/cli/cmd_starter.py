"""``starter update NAME``: compare the database's library with a newer starter library and apply it."""

from __future__ import annotations

from kpidesk.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("starter", help=_("starter libraries"))
    sub = p.add_subparsers(dest="starter_command", metavar="ACTION", required=True)
    s = sub.add_parser("update", help=_("show and apply what a newer starter library changes"))
    s.add_argument("name", metavar="NAME", help=_("starter library, e.g. customer-service"))
    s.add_argument("--dry-run", action="store_true", help=_("only show the differences"))
    s.add_argument("--yes", action="store_true",
                   help=_("apply even when a changed template is in use in an open period"))
    s.set_defaults(handler=run_update)


def run_update(args, ctx) -> int:
    from kpidesk.services.library.starter_update import describe_update
    from kpidesk.services.library.use_cases import apply_starter_update, plan_starter_update

    plan = plan_starter_update(ctx.db, ctx.actor, args.name)
    for line in describe_update(plan):
        print(line)
    if args.dry_run or plan.up_to_date:
        return 0
    if any(change.open_periods for change in plan.changes) and not args.yes:
        print(_("Nothing was changed: a changed template is in use. Run again with --yes to apply."))
        return 1
    applied = apply_starter_update(ctx.db, ctx.actor, args.name)
    print(_("Updated to version {version}: {count} changes; finalized periods keep their results.").format(
        version=applied.to_version, count=len(applied.changes)))
    return 0
