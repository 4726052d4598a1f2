"""Importing a staff list from the Staff page: choose a file, read the preview, confirm, apply.

The preview (new people, updates, new departments and positions, problems with their rows) is shown
before anything is written; the import itself is one transaction in the background with Cancel.
"""

from __future__ import annotations

from kpidesk.i18n import N_, _
from kpidesk.ui.context import Changes
from kpidesk.ui.tasks import Task

SPREADSHEETS = N_("Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)")
MAX_LISTED_PROBLEMS = 8


def _preview(db, actor, path: str):
    from kpidesk.services.imports.use_cases import preview_import

    return preview_import(db, actor, path, kind="staff")


def _apply(db, actor, preview, skip: bool, progress=None, cancel=None):
    from kpidesk.services.imports.staff import apply_staff_import

    return apply_staff_import(db, actor, preview, skip_problem_rows=skip, progress=progress, cancel=cancel)


def summary_text(preview) -> str:
    counts = preview.counts
    lines = [
        _("{file}: {rows} rows — {new} new, {updated} already known.").format(
            file=preview.file, rows=counts.get("rows", 0), new=counts.get("new", 0), updated=counts.get("updated", 0))
    ]
    lines.extend(preview.notes)
    if preview.problems:
        lines.append(_("{count} problem(s):").format(count=len(preview.problems)))
        lines.extend(f"• {problem}" for problem in preview.problems[:MAX_LISTED_PROBLEMS])
        if len(preview.problems) > MAX_LISTED_PROBLEMS:
            lines.append("…")
    return "\n".join(lines)


def run_staff_import(page) -> None:
    ctx = page.ctx
    path = ctx.dialogs.open_file(page, _("Import staff list"), _(SPREADSHEETS))
    if not path:
        return
    Task(page, _preview, ctx.db, ctx.actor, path).with_progress(_("Reading {file}…").format(file=path), cancellable=False) \
        .success(lambda preview: _confirm(page, preview)).start()


def _confirm(page, preview) -> None:
    ctx = page.ctx
    text = summary_text(preview)
    skip = False
    if preview.blocked:
        if not all(p.row is not None for p in preview.blocking_problems):
            ctx.dialogs.warning(page, _("Import staff list"), text)
            return
        question = text + "\n\n" + _("Import the other rows and skip the {count} rows with problems?").format(
            count=len(preview.problem_rows))
        skip = True
        action = _("Import the other rows")
    else:
        question = text + "\n\n" + _("Import these staff?")
        action = _("Import")
    if not ctx.dialogs.confirm(page, _("Import staff list"), question, action=action):
        return
    Task(page, _apply, ctx.db, ctx.actor, preview, skip).with_progress(_("Importing staff…")) \
        .writes(Changes.STAFF).success(lambda result: _done(page, result)).start()


def _done(page, result) -> None:
    counts = result.counts
    page.ctx.dialogs.info(page, _("Import staff list"), _(
        "Added {added}, updated {updated}, transferred {transferred}, marked as left {left}.").format(
            added=counts.get("added", 0), updated=counts.get("updated", 0),
            transferred=counts.get("transferred", 0), left=counts.get("left", 0)))
