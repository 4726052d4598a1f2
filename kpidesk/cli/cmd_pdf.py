"""``kpidesk pdf``: appraisal sheets, department summaries and year sheets as PDF."""

from __future__ import annotations

import sys

from kpidesk.cli.output import check_out
from kpidesk.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("pdf", help=_("print appraisal sheets, a department summary or year sheets as PDF"))
    p.add_argument("--period", required=True, help=_("period, e.g. 2025-03, 2025-Q1, 2025-H1, 2025"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--employee", metavar="STAFF_NO", nargs="+", default=[],
                     help=_("only these employees (staff numbers)"))
    who.add_argument("--department", metavar="NAME", help=_("only this department or team"))
    p.add_argument("--summary", action="store_true", help=_("add the department summary in front of the sheets"))
    p.add_argument("--no-sheets", action="store_true", help=_("leave out the employees' sheets (summary only)"))
    p.add_argument("--year-sheet", action="store_true",
                   help=_("print each employee's year sheet (the year of --period) instead of the period sheet"))
    p.add_argument("--no-charts", action="store_true", help=_("leave out the charts (faster)"))
    p.add_argument("--with-pay", action="store_true",
                   help=_("add a pay section to each period sheet (HR and administrators only)"))
    p.add_argument("--lang", choices=("zh", "en"), help=_("language of the printed documents"))
    p.add_argument("--split", action="store_true",
                   help=_("one file per document: --out is then a folder (<period>_<staff_no>_<name>.pdf)"))
    p.add_argument("--out", required=True, metavar="PATH", help=_("the PDF file, or the folder with --split"))
    p.set_defaults(handler=run_pdf)


#: Up to this many employees named with --employee, their charts are drawn by a process started at once.
FEW_EMPLOYEES = 4


def run_pdf(args, ctx) -> int:
    from kpidesk.errors import ValidationError

    if args.no_sheets and not args.summary:
        raise ValidationError(_("Nothing to print: --no-sheets needs --summary"))
    if args.with_pay and (args.no_sheets or args.year_sheet):
        raise ValidationError(_("--with-pay adds pay to period sheets: leave out --no-sheets and --year-sheet"))
    check_out(args.out, folder=args.split)
    if few_charts(args):
        from kpidesk.charts.chart_process import ChartProcess
        from kpidesk.services.collector import collector_paused

        # A few sheets are mostly imports (SQLAlchemy, reportlab), whose many new objects make the
        # collector walk everything loaded again and again for no cycle worth freeing (0.1 s of processor).
        with collector_paused(), ChartProcess() as charts:  # imports matplotlib while the results are read
            try:
                return _print(args, ctx, charts)
            finally:
                if ctx.ending_process:  # else the collector's first pass after the pause walks it all once
                    import gc

                    gc.freeze()
    return _print(args, ctx, None)


def few_charts(args) -> bool:
    """Whether the documents asked for hold only a few charts (a handful of named employees' sheets)."""
    return not args.no_charts and not args.summary and 0 < len(args.employee) <= FEW_EMPLOYEES


def _print(args, ctx, charts) -> int:
    from kpidesk.services.printing.sheets import PrintRequest
    from kpidesk.services.printing.use_cases import print_sheets

    request = PrintRequest(
        period=args.period, staff_nos=tuple(args.employee), department=args.department,
        sheets=not args.no_sheets, summary=args.summary, year_sheets=args.year_sheet, charts=not args.no_charts,
        lang=args.lang, split=args.split, pay=args.with_pay,
    )
    bar = ProgressBar(sys.stderr)
    try:
        outcome = print_sheets(ctx.db, ctx.actor, request, args.out, progress=bar, chart_process=charts)
    finally:
        bar.close()
    if args.split:
        print(_("Wrote {count} files to {folder}").format(count=len(outcome.paths), folder=args.out))
    else:
        print(_("Wrote {documents} documents ({pages} pages) to {path}").format(
            documents=outcome.documents, pages=outcome.pages, path=args.out))
    if not outcome.finalized:
        print(_("The period is not finalized: the documents are marked as drafts."), file=sys.stderr)
    return 0


class ProgressBar:
    """A one-line progress bar on a terminal; silent when the output is not one."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.active = stream.isatty()
        self.shown = False

    def __call__(self, progress) -> None:
        if not self.active or not progress.total:
            return
        filled = int(self.WIDTH * progress.done / progress.total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {progress.done}/{progress.total} {progress.label}\033[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
