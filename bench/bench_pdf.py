"""Benchmark: printing 500 appraisal sheets.

    python bench/bench_pdf.py [--sheets 500] [--rounds 3] [--processes 2] [--skip-charts] [--skip-plain]

1. 500 sheets without charts through ``render_sheets`` against the bare cost of the same pages
   laid out with plain platypus (SimpleDocTemplate, the same tables, paragraphs and TrueType font,
   no page furniture), measured in the same run, alternating, best of ``--rounds`` (CPU time, so
   other programs on the machine disturb the ratio less). The bare build is measured twice: with
   reportlab's default stream encoding and with the encoding ``render_sheets`` uses (no ASCII85);
   the second is the like-for-like comparison. Target: ratio ≤ 1.2.
2. One chart on a fresh Figure against the same chart drawn into a reused Figure.
3. 500 sheets with two charts each (history and radar) drawn in a process pool across the cores
   while the sheets are laid out (a page waits only for its own charts), ``--rounds`` times, the
   median printed. Target: ≤ 12 s and one page per sheet. A time over the target prints "MISSED"
   (the machine may be busy); pages not as many as the sheets print "MISSED" and exit with 1.
   ``--sequential`` also times drawing every chart first and laying out afterwards.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table  # noqa: E402

from kpidesk.charts.pool import ChartJob, ChartStream, render_charts  # noqa: E402
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT as SIZE  # noqa: E402 - as a period sheet draws them
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT_DPI as DPI  # noqa: E402
from kpidesk.reports.document import render_sheets  # noqa: E402
from kpidesk.reports.fonts import register_pdf_font  # noqa: E402
from kpidesk.reports.samples import sample_history, sample_radar, sample_sheet  # noqa: E402
from kpidesk.reports.sheet_data import SheetData  # noqa: E402

#: Seconds for 500 sheets with two charts each (scaled for other counts).
CHARTED_TARGET = 12.0


def bare_story(sheet: SheetData, font: str) -> list:
    """The same content as an appraisal sheet, written the plainest way platypus allows."""
    body = ParagraphStyle("b", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    big = ParagraphStyle("t", fontName=font, fontSize=17, leading=22, wordWrap="CJK")
    grid = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.5, "#9aa7ae"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]

    def p(text: str) -> Paragraph:
        return Paragraph(text, body)

    story: list = [p(sheet.organisation), Paragraph(sheet.title, big), p(f"考核周期：{sheet.period}")]
    info = [[p("被考核人"), p(sheet.employee), p("工号"), p(sheet.staff_no)],
            [p("部门"), p(sheet.department), p("岗位"), p(sheet.position)],
            [p("考核人"), p(sheet.manager), p("考核期间"), p(sheet.period)]]
    story.append(Table(info, colWidths=[24 * mm, 66 * mm, 24 * mm, 66 * mm], style=grid))
    story.append(p("一、定量指标（KPI）"))
    rows = [[p(h) for h in ("考核指标", "权重", "基准值", "目标值", "挑战值", "实际值", "得分", "加权得分")]]
    for r in sheet.kpi_rows:
        rows.append([p(f'{r.indicator}<br/><font size="6.8">{r.explanation}</font>'), f"{r.weight:g}%", r.baseline,
                     r.target, r.challenge, r.actual, f"{r.score:.2f}", f"{r.weighted_score:.2f}"])
    rows.append([p("合计"), "100%", "", "", "", "", "", f"{sheet.quantitative_score:.2f}"])
    story.append(Table(rows, colWidths=[62 * mm, 13 * mm, 17 * mm, 17 * mm, 17 * mm, 18 * mm, 16 * mm, 20 * mm],
                       repeatRows=1, style=grid))
    story.append(p("二、定性评价"))
    rows = [[p(h) for h in ("评价项目", "权重", "自评", "上级评", "得分", "评语")]]
    for q in sheet.qualitative_rows:
        comments = "<br/>".join(f"{r.rater}：{r.comment}" for r in q.ratings if r.comment)
        rows.append([p(q.criterion), f"{q.weight:g}%", p(q.ratings[0].level), p(q.ratings[1].level),
                     f"{q.score:.2f}", p(comments)])
    story.append(Table(rows, colWidths=[34 * mm, 13 * mm, 16 * mm, 16 * mm, 15 * mm, 86 * mm], repeatRows=1,
                       style=grid))
    story.append(p("三、加减分"))
    if sheet.adjustments:
        rows = [[p("事由"), p("类别"), p("分值")]]
        rows += [[p(a.reason), p(a.category), f"{a.points:+.2f}"] for a in sheet.adjustments]
        rows.append([p("合计"), "", f"{sheet.adjustment_total:+.2f}"])
        story.append(Table(rows, colWidths=[122 * mm, 34 * mm, 24 * mm], style=grid))
    else:
        story.append(p("无"))
    story.append(p("四、考核结果"))
    head = [p(h) for h in ("定量得分 (70%)", "定性得分 (30%)", "加减分", "总分", "等级", "部门排名")]
    values = [f"{sheet.quantitative_score:.2f}", f"{sheet.qualitative_score:.2f}", f"{sheet.adjustment_total:+.2f}",
              f"{sheet.total_score:.2f}", p(sheet.grade), sheet.rank_text]
    story.append(Table([head, values], colWidths=[30 * mm] * 6, style=grid))
    story.append(p("五、改进计划"))
    plan = sheet.improvement
    rows = [[p(name), [p(f"• {item}") for item in items]]
            for name, items in (("优势", plan.strengths), ("待改进", plan.areas_to_improve), ("目标", plan.goals))]
    story.append(Table(rows, colWidths=[30 * mm, 150 * mm], style=grid))
    story.append(Spacer(1, 6 * mm))
    cells = [[p(role), Spacer(1, 4 * mm), p("签字：_______________"), Spacer(1, 3 * mm), p("日期：______年____月____日")]
             for role in ("被考核人", "考核人", "人力资源部")]
    story.append(Table([cells], colWidths=[60 * mm] * 3, style=grid))
    return story


def bare_render(sheets: list[SheetData]) -> int:
    font = register_pdf_font()
    story: list = []
    for sheet in sheets:
        if story:
            story.append(PageBreak())
        story += bare_story(sheet, font)
    doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=19 * mm, initialFontName=font, invariant=1)
    doc.build(story)
    return doc.page


def timed(label: str, fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:7.2f} s", flush=True)
    return result, elapsed


def cpu_and_wall(fn, *args) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, result


def compare_without_charts(sheets: list[SheetData], rounds: int) -> None:
    from kpidesk.reports.document import binary_streams

    def bare_same_encoding(items):
        with binary_streams():
            return bare_render(items)

    variants = {
        "bare platypus + TTF, default encoding": bare_render,
        "bare platypus + TTF, same encoding as ours": bare_same_encoding,
        "render_sheets (no charts)": lambda items: render_sheets(items, io.BytesIO()),
    }
    best: dict[str, tuple[float, float]] = {}
    pages: dict[str, int] = {}
    for round_number in range(1, rounds + 1):
        for label, fn in variants.items():
            cpu, wall, result = cpu_and_wall(fn, sheets)
            pages[label] = int(result)
            old = best.get(label, (float("inf"), float("inf")))
            best[label] = (min(old[0], cpu), min(old[1], wall))
            print(f"  round {round_number}: {label:<44} cpu {cpu:6.2f} s  wall {wall:6.2f} s", flush=True)
    print(f"{'best of ' + str(rounds):<52} {'cpu':>8} {'wall':>8} {'pages':>6}")
    for label, (cpu, wall) in best.items():
        print(f"{label:<52} {cpu:7.2f}s {wall:7.2f}s {pages[label]:>6}")
    ours = best["render_sheets (no charts)"]
    like = best["bare platypus + TTF, same encoding as ours"]
    default = best["bare platypus + TTF, default encoding"]
    print(f"{'ratio ours / bare, same encoding (target <= 1.2)':<52} {ours[0] / like[0]:7.2f} (cpu) "
          f"{ours[1] / like[1]:5.2f} (wall)")
    print(f"{'ratio ours / bare, reportlab defaults':<52} {ours[0] / default[0]:7.2f} (cpu) "
          f"{ours[1] / default[1]:5.2f} (wall)")
    print(f"{'pages per second (ours, wall)':<52} {pages['render_sheets (no charts)'] / ours[1]:7.1f}")


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def chart_cost(repeats: int = 20) -> None:
    from kpidesk.charts.frame_cache import FrameCache
    from kpidesk.charts.history import employee_history_chart
    from kpidesk.charts.render import FigureCache, figure_to_png

    histories = [sample_history(i) for i in range(repeats)]
    figure_to_png(employee_history_chart(histories[0], size=SIZE), DPI)  # warm font caches
    start = time.process_time()
    for history in histories:
        figure_to_png(employee_history_chart(history, size=SIZE), DPI, compress_level=1)
    fresh = (time.process_time() - start) / repeats
    cache = FigureCache()
    start = time.process_time()
    for history in histories:
        figure_to_png(employee_history_chart(history, size=SIZE, fig=cache.get("trend")), DPI, compress_level=1)
    reused = (time.process_time() - start) / repeats
    frames = FrameCache()
    frames.render_png("trend", histories[0], SIZE, DPI, None)
    start = time.process_time()
    for history in histories:
        frames.render_png("trend", history, SIZE, DPI, None)
    over_frame = (time.process_time() - start) / repeats
    print(f"{'one chart (history), fresh figure, cpu':<52} {fresh * 1000:7.1f} ms")
    print(f"{'one chart (history), reused figure, cpu':<52} {reused * 1000:7.1f} ms")
    print(f"{'one chart (history), over a cached frame, cpu':<52} {over_frame * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description="PDF printing benchmark")
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-charts", action="store_true")
    parser.add_argument("--skip-plain", action="store_true", help="only the run with charts")
    parser.add_argument("--sequential", action="store_true", help="also time charts first, then layout")
    args = parser.parse_args()
    count = args.sheets
    print(f"{count} sheets, {os.cpu_count()} cores, Python {sys.version.split()[0]}")

    sheets = [sample_sheet(i) for i in range(count)]
    bare_render(sheets[:5])  # warm up: font registration, imports
    render_sheets(sheets[:5], io.BytesIO())
    if not args.skip_plain:
        compare_without_charts(sheets, args.rounds)
    if args.skip_charts:
        return 0

    chart_cost()
    jobs = []
    for i in range(count):
        jobs.append(ChartJob("trend", sample_history(i), size=SIZE, dpi=DPI, lang="zh"))
        jobs.append(ChartJob("radar", sample_radar(i), size=SIZE, dpi=DPI, lang="zh"))

    walls, cpus, pages = [], [], 0
    for round_number in range(1, args.rounds + 1):
        total, own, workers, pages, size = charted_run(jobs, count, args.processes)
        walls.append(total)
        cpus.append(own + workers)
        print(f"  round {round_number}: wall {total:6.2f} s   cpu: layout process {own:6.2f} s, chart processes "
              f"{workers:6.2f} s   ({pages} pages, {size / 1e6:.1f} MB)", flush=True)
    wall = statistics.median(walls)
    print(f"{f'{count} sheets with 2 charts, median of {args.rounds}':<52} {wall:7.2f} s wall, "
          f"{statistics.median(cpus):6.2f} s cpu   target <= {CHARTED_TARGET:g} s wall")
    print(f"{'pages (target: one per sheet)':<52} {pages:7d}    sheets {count}")
    failed = 0
    if pages != count:
        print(f"MISSED: {pages} pages for {count} sheets")
        failed = 1
    elif wall > CHARTED_TARGET * count / 500:
        print(f"MISSED: {wall:.2f} s is over {CHARTED_TARGET * count / 500:g} s")
    if args.sequential:
        start = time.perf_counter()
        images, _chart_time = timed(f"{len(jobs)} charts in {args.processes} processes", lambda: render_charts(
            jobs, processes=args.processes))
        with_charts = [sample_sheet(i, history_png=images[2 * i], radar_png=images[2 * i + 1]) for i in range(count)]
        timed("render_sheets with the ready images", render_sheets, with_charts, io.BytesIO())
        print(f"{'total, charts first then layout':<52} {time.perf_counter() - start:7.2f} s")
    return failed


def charted_run(jobs: list[ChartJob], count: int, processes: int) -> tuple[float, float, float, int, int]:
    """Draw the charts in the pool while the sheets are laid out (what printing a batch does);
    wall time, processor time of this process and of the chart processes, pages and bytes."""
    start = time.perf_counter()
    own_before, children_before = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    with ChartStream(jobs, processes=processes) as stream:
        with_charts = [sample_sheet(i, history_png=stream.pending(2 * i), radar_png=stream.pending(2 * i + 1))
                       for i in range(count)]
        out = io.BytesIO()
        pages = render_sheets(with_charts, out)
    total = time.perf_counter() - start
    own = _cpu(resource.RUSAGE_SELF) - own_before
    workers = _cpu(resource.RUSAGE_CHILDREN) - children_before
    return total, own, workers, pages, len(out.getvalue())


if __name__ == "__main__":
    raise SystemExit(main())
