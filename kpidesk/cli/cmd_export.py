"""``kpidesk export`` (a period's results and raw data) and ``kpidesk import-template`` (the blank sheet
to fill and import back)."""

from __future__ import annotations

from kpidesk.cli.output import check_out
from kpidesk.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help=_("export a period's results and raw data to .xlsx or .csv"))
    p.add_argument("--period", required=True, metavar="P", help=_("period, e.g. 2025-03"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("output file (.xlsx or .csv)"))
    p.set_defaults(handler=run_export)

    p = subparsers.add_parser("import-template", help=_("write the blank import sheet of a position"))
    p.add_argument("--period", required=True, metavar="P", help=_("period, e.g. 2025-03"))
    p.add_argument("--position", required=True, metavar="NAME", help=_("position, e.g. 客服代表"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("output file (.xlsx)"))
    p.set_defaults(handler=run_import_template)


def run_export(args, ctx) -> int:
    from kpidesk.services.imports.use_cases import export_period

    counts = export_period(ctx.db, ctx.actor, args.period, check_out(args.out))
    print(_("Exported {rows} rows to {file}").format(rows=counts["rows"], file=args.out))
    return 0


def run_import_template(args, ctx) -> int:
    from kpidesk.services.imports.use_cases import export_import_template

    counts = export_import_template(ctx.db, ctx.actor, args.period, args.position, check_out(args.out))
    print(_("Wrote the import template for {staff} staff and {fields} fields to {file}").format(
        file=args.out, **counts))
    return 0
