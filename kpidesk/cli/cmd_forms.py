"""``forms list | check | export | import | scores``: the qualitative forms from the command line."""

from __future__ import annotations

import os
from pathlib import Path

from kpidesk.cli.output import check_out, print_json, print_table
from kpidesk.i18n import N_, _, current_language

EXIT_OK, EXIT_INPUT = 0, 3
#: kpidesk.exchange.form_files.BUNDLED / USER, as the list shows them
SOURCE_LABELS = {"bundled": N_("bundled"), "user": N_("own")}


def register(subparsers) -> None:
    p = subparsers.add_parser("forms", help=_("qualitative forms: list, check, export and import sheets"))
    sub = p.add_subparsers(dest="forms_command", metavar="ACTION", required=True)

    q = sub.add_parser("list", help=_("show the form files and the versions stored in the database"))
    q.add_argument("--dir", type=Path,
                   help=_("forms folder (default: the bundled forms and the office's own forms folder)"))
    q.add_argument("--json", action="store_true", help=_("print JSON"))
    q.set_defaults(handler=run_list)

    q = sub.add_parser("check", help=_("check one form file, or every file of the forms folder"))
    q.add_argument("file", nargs="*", type=Path, metavar="FILE", help=_("form file(s) to check"))
    q.add_argument("--dir", type=Path,
                   help=_("forms folder to check when no FILE is given (default: bundled and own forms)"))
    q.set_defaults(handler=run_check)

    q = sub.add_parser(
        "export", help=_("write fillable form sheets (.xlsx), one per rater or one blank sheet")
    )
    q.add_argument("--period", required=True, help=_("period, e.g. 2025-03"))
    q.add_argument("--form", required=True, help=_("form id, e.g. customer_service_staff"))
    q.add_argument("--out", type=Path, required=True, help=_("folder (or .xlsx file with --blank)"))
    q.add_argument(
        "--blank", action="store_true", help=_("one blank sheet with a row per employee and rater")
    )
    q.add_argument("--upward", action="store_true", help=_("also let direct reports rate their manager"))
    q.set_defaults(handler=run_export)

    q = sub.add_parser("import", help=_("import filled form sheets (preview, then save)"))
    q.add_argument("file", type=Path, nargs="+", metavar="FILE")
    q.add_argument("--period", help=_("period, e.g. 2025-03 (default: the one written in the sheet)"))
    q.add_argument("--form", help=_("form id, when the sheet does not name it"))
    q.add_argument("--dry-run", action="store_true", help=_("only show the preview; save nothing"))
    q.add_argument("--skip-problem-rows", action="store_true", help=_("save the rows without problems"))
    q.set_defaults(handler=run_import)

    q = sub.add_parser("scores", help=_("qualitative scores of a period, with self/manager disagreements"))
    q.add_argument("--period", required=True)
    q.add_argument("--json", action="store_true", help=_("print JSON"))
    q.set_defaults(handler=run_scores)


def _existing_database(ctx):
    """The database, when one exists already: listing forms must not create an empty database file.
    A ``--db`` or ``KPIDESK_DB`` that names a missing file is an error, as for every other command."""
    from kpidesk.services.safety.startup import database_file

    if ctx.db_target is not None or os.environ.get("KPIDESK_DB"):
        return ctx.db
    path = database_file(ctx.db_target)
    if path is not None and not path.exists():
        return None
    return ctx.db


def run_list(args, ctx) -> int:
    from kpidesk.services.forms import catalogue
    from kpidesk.services.forms.use_cases import list_forms

    db = _existing_database(ctx)
    if db is None:  # without a database there is no login: the folder alone is listed
        listings, problems = catalogue.list_forms(args.dir)
    else:
        listings, problems = list_forms(db, ctx.actor, args.dir)
    if args.json:
        print_json(
            {
                "forms": [item.__dict__ for item in listings],
                "problems": [problem.render(_) for problem in problems],
            }
        )
        return EXIT_OK
    language = current_language()
    rows = []
    for item in listings:
        stored = ", ".join(str(v) for v in item.stored_versions) or "—"
        if item.changed_without_new_version:
            stored += " " + _("(file changed without a new version)")
        title = item.title_zh if language == "zh_CN" else item.title_en
        source = _(SOURCE_LABELS.get(item.source, item.source))
        rows.append([item.key, item.version, title, item.criteria, ", ".join(item.raters), stored, source])
    print_table([_("Form"), _("Version"), _("Title"), _("Criteria"), _("Raters"), _("Stored versions"),
                 _("Source")], rows)
    own = [item.path for item in listings if item.source == "user"]
    if own:
        print(_("The office's own forms: {paths}").format(paths=", ".join(own)))
    for problem in problems:
        print(problem.render(_))
    return EXIT_INPUT if any(p.is_error for p in problems) else EXIT_OK


def run_check(args, ctx) -> int:
    from kpidesk.exchange.form_files import load_catalogue
    from kpidesk.services.forms.catalogue import check_form_file, form_folders

    problems = []
    checked = 0
    if args.file:
        for path in args.file:
            form, found = check_form_file(path)
            problems += found
            checked += 1
            if form is not None:
                print(
                    _("{file}: form {key} version {version}, {count} criteria").format(
                        file=path, key=form.id, version=form.version, count=len(form.criteria)
                    )
                )
    else:
        entries, problems = load_catalogue(form_folders(args.dir))
        forms = [entry.form for entry in entries.values()]
        checked = len(forms)
        for form in forms:
            print(
                _("form {key} version {version}, {count} criteria").format(
                    key=form.id, version=form.version, count=len(form.criteria)
                )
            )
    for problem in problems:
        print(problem.render(_))
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(_("{errors} error(s), {warnings} warning(s)").format(errors=errors, warnings=warnings))
    return EXIT_INPUT if errors or not checked else EXIT_OK


def run_export(args, ctx) -> int:
    from kpidesk.services.forms.use_cases import export_blank_sheet, export_sheets

    check_out(args.out, folder=not (args.blank and args.out.suffix.lower() == ".xlsx"))
    if args.blank:
        target = args.out if args.out.suffix.lower() == ".xlsx" else args.out / f"{args.form}_{args.period}.xlsx"
        target.parent.mkdir(exist_ok=True)
        paths = [export_blank_sheet(ctx.db, ctx.actor, args.period, args.form, target)]
    else:
        paths = export_sheets(ctx.db, ctx.actor, args.period, args.form, args.out, upward=args.upward)
    for path in paths:
        print(path)
    print(_("{count} sheet(s) written").format(count=len(paths)))
    return EXIT_OK


def _print_preview(preview) -> None:
    counts = preview.counts
    print(
        _(
            "{file}: {rows} line(s) — {submitted} submitted, {drafts} draft(s), {replacing} replacing earlier answers"
        ).format(file=preview.file, **counts)
    )
    for note in preview.notes:
        print(note)
    if preview.ignored_columns:
        print(
            _("Columns not used: {columns}").format(
                columns=", ".join(c.replace("\n", " ") for c in preview.ignored_columns)
            )
        )
    for problem in preview.problems:
        prefix = "" if problem.blocking else _("note") + ": "
        print(prefix + str(problem))


def run_import(args, ctx) -> int:
    from kpidesk.errors import ValidationError
    from kpidesk.services.forms.sheet_import import apply_forms_import
    from kpidesk.services.forms.use_cases import preview_sheets

    previews = preview_sheets(ctx.db, ctx.actor, args.file, period=args.period, form_key=args.form)
    blocked = False
    for preview in previews:
        _print_preview(preview)
        blocked = blocked or (preview.blocked and not args.skip_problem_rows)
    if args.dry_run:
        return EXIT_INPUT if blocked else EXIT_OK
    if blocked:
        raise ValidationError(_("Nothing was saved: fix the problems above, or use --skip-problem-rows."))
    for preview in previews:
        result = apply_forms_import(ctx.db, ctx.actor, preview, skip_problem_rows=args.skip_problem_rows)
        print(_("{file}: {count} response(s) saved").format(file=result.file, count=result.counts["saved"]))
    return EXIT_OK


def run_scores(args, ctx) -> int:
    from kpidesk.services.forms.use_cases import form_scores

    data = form_scores(ctx.db, ctx.actor, args.period)
    if args.json:
        print_json(data)
        return EXIT_OK
    rows = [
        [
            d["staff_no"],
            d["name"],
            d["form"],
            "—" if d["score"] is None else f"{d['score']:.2f}",
            " ".join(f"{k}={'—' if v is None else f'{v:.1f}'}" for k, v in d["roles"].items()),
            ", ".join(d["left_out"]),
            ", ".join(d["disagreements"]),
        ]
        for d in data
    ]
    print_table(
        [_("Staff no"), _("Name"), _("Form"), _("Score"), _("Raters"), _("Left out"), _("Disagreements")],
        rows,
    )
    return EXIT_OK
