"""``kpidesk chart``: one chart of a period as PNG or SVG."""

from __future__ import annotations

from kpidesk.cli.output import check_out
from kpidesk.i18n import _

KINDS = ("trend", "bullet", "radar", "distribution", "scores", "ranking", "team-trend", "fishbone")


def register(subparsers) -> None:
    p = subparsers.add_parser("chart", help=_("draw a chart of a period as PNG or SVG"))
    p.add_argument("kind", choices=KINDS, help=_("which chart"))
    p.add_argument("--period", required=True, help=_("period, e.g. 2025-03, 2025-Q1, 2025-H1, 2025"))
    p.add_argument("--employee", metavar="STAFF_NO", help=_("the employee (trend, bullet, radar, fishbone)"))
    p.add_argument("--department", metavar="NAME", help=_("the department or team"))
    p.add_argument("--kpi", metavar="CODE", help=_("the KPI (team-trend)"))
    p.add_argument("--lang", choices=("zh", "en"), help=_("language of the chart's labels"))
    p.add_argument("--out", required=True, metavar="FILE", help=_("FILE.png or FILE.svg"))
    p.set_defaults(handler=run_chart)


def run_chart(args, ctx) -> int:
    from kpidesk.errors import ValidationError
    from kpidesk.services.printing.chart_data import chart_bytes
    from kpidesk.services.printing.use_cases import chart

    out = check_out(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValidationError(_("Charts are written as .png or .svg, not {suffix}").format(suffix=suffix or "?"))
    data = chart(ctx.db, ctx.actor, args.kind, args.period, employee=args.employee, department=args.department,
                 kpi=args.kpi, lang=args.lang)
    image = chart_bytes(args.kind, data, suffix, lang=args.lang)
    temporary = out.with_name(f".{out.name}.part")
    temporary.write_bytes(image)
    temporary.replace(out)
    print(_("Wrote {path}").format(path=out))
    return 0
