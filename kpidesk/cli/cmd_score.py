"""``kpidesk score``: a period's results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from kpidesk.cli.output import check_out, print_table
from kpidesk.domain.statuses import PeriodStatus
from kpidesk.exchange.neutralise import neutralise_row
from kpidesk.i18n import _

FORMATS = ("table", "csv", "json")


def register(subparsers) -> None:
    p = subparsers.add_parser("score", help=_("compute a period's scores, grades and ranks"))
    p.add_argument("--period", required=True, help=_("period, e.g. 2025-03, 2025-Q1, 2025-H1, 2025"))
    p.add_argument("--department", metavar="NAME", help=_("only this department or team (ranks stay organisation-wide)"))
    p.add_argument("--format", choices=FORMATS, default="table", help=_("output format (default: table)"))
    p.add_argument("--out", metavar="FILE", help=_("write to this file instead of the screen"))
    p.set_defaults(handler=run_score)


def run_score(args, ctx) -> int:
    from kpidesk.services.appraisal.scoring import score_records
    from kpidesk.services.appraisal.use_cases import period_scores

    if args.out:
        check_out(args.out)
    scores = period_scores(ctx.db, ctx.actor, args.period, department=args.department)
    records = score_records(scores)
    codes = [c for c in scores.kpi_codes if any(c in r["kpis"] for r in records)]
    if args.format == "json":
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = _csv(records, codes)
    else:
        if args.out:
            buffer = io.StringIO()
            stdout, sys.stdout = sys.stdout, buffer
            try:
                _table(records, scores)
            finally:
                sys.stdout = stdout
            text = buffer.getvalue()
        else:
            _table(records, scores)
            return 0
    if args.out:
        _write_atomically(Path(args.out), text, bom=args.format == "csv")
        print(_("Wrote {count} rows to {path}").format(count=len(records), path=args.out), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _number(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _table(records: list[dict], scores) -> None:
    from kpidesk.services.appraisal.scoring import flag_label

    headers = [_("Staff no."), _("Name"), _("Department"), _("Team"), _("Quantitative"), _("Qualitative"),
               _("Adjustments"), _("Total"), _("Grade"), _("Rank (dept.)"), _("Rank (org.)"), _("Flags")]
    rows = [[r["staff_no"], r["name"], r["department"], r["team"], _number(r["quantitative"]),
             _number(r["qualitative"]), _number(r["adjustments"]), _number(r["total"]), r["grade"],
             r["rank_department"], r["rank_organisation"], ", ".join(flag_label(f) for f in r["flags"])] for r in records]
    state = {PeriodStatus.FINALIZED: _("finalized"), PeriodStatus.REVIEW: _("in review"), PeriodStatus.OPEN: _("open"),
             PeriodStatus.NOT_OPENED: _("computed from its months")}.get(scores.status, scores.status)
    print(_("Period {period} ({state})").format(period=scores.period.code, state=state))
    print_table(headers, rows)


def _csv(records: list[dict], codes: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    fixed = ["staff_no", "name", "department", "team", "quantitative", "qualitative", "adjustments", "total",
             "grade", "grade_code", "grade_computed", "rank_department", "rank_organisation", "flags"]
    coverage = ["coverage", "kpi_coverage", "qualitative_included"]
    kpi_columns = [f"{code}.{part}" for code in codes for part in ("value", "score", "weight", "status")]
    writer.writerow(neutralise_row(fixed + coverage + kpi_columns))
    for r in records:
        row = [r[k] for k in fixed[:-1]] + [" ".join(r["flags"])] + [r[k] for k in coverage]
        for code in codes:
            item = r["kpis"].get(code, {})
            row += [item.get("value"), item.get("score"), item.get("weight"), item.get("status")]
        writer.writerow(neutralise_row("" if v is None else v for v in row))
    return buffer.getvalue()


def _write_atomically(path: Path, text: str, *, bom: bool) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    path = path.expanduser()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
