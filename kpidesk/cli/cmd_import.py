"""``kpidesk import FILE``: preview (``--dry-run``) or import performance data, a staff list, a KPI table or
filled forms. Problems are printed one per line with file, sheet, row and column; exit code 3 when they
block the import, in which case nothing is written."""

from __future__ import annotations

import sys
from pathlib import Path

from kpidesk.errors import NotFound, ValidationError
from kpidesk.i18n import N_, _

EXIT_INPUT = 3
MAX_PROBLEMS_SHOWN = 50
#: What to type about a problem, by its code (services name no command-line options).
_CLI_HINTS = {"unconfirmed_guess": N_("confirm with --accept-guesses, or --map HEADER=FIELD"),
              "period_mismatch": N_("confirm with --period-mismatch-ok")}


def register(subparsers) -> None:
    p = subparsers.add_parser("import", help=_("import data, a staff list, a KPI table or filled forms"))
    p.add_argument("file", metavar="FILE", help=_(".xlsx, .xls, .ods or .csv file"))
    p.add_argument("--kind", choices=("data", "staff", "kpis", "forms"), default="data",
                   help=_("what the file holds (default: data)"))
    p.add_argument("--period", metavar="P", help=_("period for files without a period column, e.g. 2025-03"))
    p.add_argument("--sheet", metavar="NAME", help=_("sheet to read (default: the first with a known header)"))
    p.add_argument("--profile", metavar="NAME",
                   help=_("use the saved column mapping NAME; the mapping used is saved under it"))
    p.add_argument("--map", metavar="HEADER=FIELD", action="append", default=[],
                   help=_("map a column header to a field (FIELD empty ignores the column); repeatable"))
    p.add_argument("--header-row", type=int, metavar="N", help=_("the header is on row N (as Excel numbers it)"))
    p.add_argument("--position", metavar="NAME", help=_("with --kind kpis: also make the template of this position"))
    p.add_argument("--period-mismatch-ok", action="store_true",
                   help=_("import into --period even though the file names another month"))
    p.add_argument("--show-changes", action="store_true",
                   help=_("list every value the import changes (old → new) and adds"))
    p.add_argument("--accept-guesses", action="store_true",
                   help=_("also import the columns whose field is only an unsure guess"))
    p.add_argument("--skip-problem-rows", action="store_true",
                   help=_("import the rows without problems and leave the others out"))
    p.add_argument("--dry-run", action="store_true", help=_("show the preview only; write nothing"))
    p.set_defaults(handler=run_import)

    p = subparsers.add_parser("import-columns", help=_("list the column headers each kind of import accepts"))
    p.add_argument("--kind", choices=("data", "staff", "kpis", "forms"), help=_("only this kind"))
    p.set_defaults(handler=run_import_columns)


def _parse_maps(items: list[str]) -> dict[str, str | None]:
    overrides: dict[str, str | None] = {}
    for item in items:
        if "=" not in item:
            raise ValidationError(_("--map expects HEADER=FIELD, got {item}").format(item=item))
        header, field = item.split("=", 1)
        overrides[header.strip()] = field.strip() or None
    return overrides


def run_import(args, ctx) -> int:
    from kpidesk.services.imports import use_cases as imports
    from kpidesk.services.imports.registry import import_allowed

    path = Path(args.file)
    overrides = {}
    sheet, header_row = args.sheet, args.header_row
    db = ctx.db
    if args.profile:
        try:
            saved = imports.load_profile(db, ctx.actor, args.profile)
        except NotFound:
            saved = None
        if saved is not None:
            if saved["kind"] != args.kind:
                raise ValidationError(_("Profile {name} is for {kind} imports").format(name=args.profile,
                                                                                     kind=saved["kind"]))
            overrides.update(saved["columns"])
            sheet = sheet or saved.get("sheet")
            header_row = header_row or saved.get("header_row")
    overrides.update(_parse_maps(args.map))
    preview = imports.preview_import(db, ctx.actor, path, kind=args.kind, period=args.period, sheet=sheet,
                                     overrides=overrides, header_row=header_row,
                                     accept_guesses=args.accept_guesses, remembered=not args.profile,
                                     period_mismatch_ok=args.period_mismatch_ok)
    print_preview(preview, show_changes=args.show_changes)
    if not import_allowed(preview, args.skip_problem_rows):
        print(_("Nothing was imported: {count} problem(s) block the import.").format(
            count=len(preview.blocking_problems)), file=sys.stderr)
        return EXIT_INPUT
    if args.dry_run:
        print(_("Dry run: nothing was written."))
        return 0
    options = {"skip_problem_rows": args.skip_problem_rows}
    if args.kind == "kpis" and args.position:
        options["position"] = args.position
    result = imports.apply_import(db, ctx.actor, preview, **options)
    if args.profile:
        columns = {**overrides, **preview.mapping}
        imports.save_profile(db, ctx.actor, args.profile, args.kind, columns, sheet=preview.sheet if sheet else None,
                             header_row=header_row)
    print(_("Imported: {counts}").format(counts=_counts(result.counts)))
    return 0


def _counts(counts: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def print_preview(preview, show_changes: bool = False) -> None:
    sheet = f" [{preview.sheet}]" if preview.sheet else ""
    print(_("File: {file}{sheet}, header row {row}").format(file=preview.file, sheet=sheet, row=preview.header_row))
    columns = preview.extra.get("columns")
    if columns:
        print(_("Columns:"))
        for column in columns:
            print(f"  {column.describe()}")
    else:
        mapped = ", ".join(f"{header} → {field}" for header, field in preview.mapping.items())
        print(_("Columns: {mapping}").format(mapping=mapped or "—"))
    if preview.ignored_columns:
        print(_("Ignored columns: {columns}").format(columns=", ".join(preview.ignored_columns)))
    for line in preview.skipped_lines:
        print(line.describe())
    for note in preview.notes:
        print(note)
    print(_("Counts: {counts}").format(counts=_counts(preview.counts)))
    if show_changes and preview.extra.get("changes") is not None:
        _print_changes(preview.extra["changes"])
    for problem in preview.problems[:MAX_PROBLEMS_SHOWN]:
        label = _("problem") if problem.blocking else _("warning")
        hint = f" ({_(_CLI_HINTS[problem.code])})" if problem.code in _CLI_HINTS else ""
        print(f"{label}: {problem}{hint}")
    if len(preview.problems) > MAX_PROBLEMS_SHOWN:
        print(_("… and {count} more").format(count=len(preview.problems) - MAX_PROBLEMS_SHOWN))


def _print_changes(changes) -> None:
    for title, shown, total in ((_("Changed values (old → new): {count}"), changes.changed, changes.changed_total),
                                (_("New values: {count}"), changes.new, changes.new_total)):
        print(title.format(count=total))
        for change in shown:
            print(f"  {change.describe()}")
        if total > len(shown):
            print(_("  … and {count} more").format(count=total - len(shown)))


def run_import_columns(args, ctx) -> int:
    """The documented accepted columns: canonical field, its label, and every header spelling recognised.
    Raw fields and KPIs are recognised by their Chinese or English name, code or aliases as well."""
    from kpidesk.exchange.aliases import FIELD_ALIASES, REQUIRED, field_label

    for kind, fields in FIELD_ALIASES.items():
        if args.kind and kind != args.kind:
            continue
        print(f"[{kind}]")
        for field, aliases in fields.items():
            required = " *" if field in REQUIRED.get(kind, ()) else ""
            print(f"  {field}{required} ({_(field_label(kind, field))}): {', '.join(aliases)}")
    print(_("* required. Performance data also accepts one column per raw field or KPI, by name, code or alias."))
    return 0
