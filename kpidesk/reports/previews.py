"""Regenerate the PNG previews of a printed sheet and a department summary in docs/previews.

    python -m kpidesk.reports.previews [--out docs/previews] [--lang zh|en]

Renders the sample documents to PDF, rasterises every page with poppler's ``pdftoppm`` and puts
the pages of each document side by side in one PNG.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from kpidesk.charts.data import GradeDistribution, Ranking, RankingEntry, TeamScores, default_grade_bands
from kpidesk.charts.department import grade_distribution_chart, ranking_chart, score_distribution_chart
from kpidesk.charts.history import employee_history_chart
from kpidesk.charts.radar import qualitative_radar_chart
from kpidesk.charts.render import figure_to_png
from kpidesk.charts.sizes import PRINT_BESIDE_RESULT, PRINT_BESIDE_RESULT_DPI
from kpidesk.charts.style import PRINT_HALF_WIDTH
from kpidesk.reports.document import render_documents
from kpidesk.reports.samples import sample_history, sample_radar, sample_sheet, sample_summary
from kpidesk.reports.sheet_data import ChartImage

DEFAULT_OUT = Path("docs") / "previews"  # run from the repository top, as the README says


def sample_sheet_pdf(path: Path, lang: str) -> None:
    history = figure_to_png(employee_history_chart(sample_history(3), size=PRINT_BESIDE_RESULT, lang=lang),
                            PRINT_BESIDE_RESULT_DPI)
    radar = figure_to_png(qualitative_radar_chart(sample_radar(3), size=PRINT_BESIDE_RESULT, lang=lang),
                          PRINT_BESIDE_RESULT_DPI)
    render_documents([sample_sheet(3, history_png=history, radar_png=radar)], path, lang=lang)


def sample_summary_pdf(path: Path, lang: str) -> None:
    import pandas as pd

    summary = sample_summary()
    counts = {c.grade_key: c.count for c in summary.grade_counts if c.grade_key}
    shares = {c.grade_key: c.target_share for c in summary.grade_counts if c.grade_key and c.target_share}
    teams = ("一组", "二组", "投诉组")
    scores = pd.DataFrame([{"team": teams[i % 3], "employee": r.employee, "score": r.total_score,
                            "grade_key": r.grade_key} for i, r in enumerate(summary.ranking)])
    entries = [RankingEntry(r.rank or 0, r.employee, r.total_score or 0, r.grade_key, r.grade) for r in summary.ranking]
    bands = default_grade_bands(lang)
    charts = [
        ChartImage("", figure_to_png(grade_distribution_chart(
            GradeDistribution(summary.department, summary.period, counts, bands, shares),
            size=PRINT_HALF_WIDTH, lang=lang))),
        ChartImage("", figure_to_png(score_distribution_chart(
            TeamScores(summary.department, summary.period, scores, bands), size=PRINT_HALF_WIDTH, lang=lang))),
        ChartImage("", figure_to_png(ranking_chart(Ranking(summary.department, summary.period, entries),
                                                   size=(7.0, 5.6), lang=lang)), wide=True),
    ]
    render_documents([sample_summary(charts=charts)], path, lang=lang)


def pages_side_by_side(pdf: Path, png: Path, dpi: int = 80) -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm (poppler-utils) is needed to rasterise the previews")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), f"{folder}/page"], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(Path(folder).glob("page*.png"))]
        gap = 12
        width = sum(p.width for p in pages) + gap * (len(pages) + 1)
        height = max(p.height for p in pages) + 2 * gap
        sheet = Image.new("RGB", (width, height), (200, 205, 210))
        x = gap
        for page in pages:
            sheet.paste(page, (x, gap))
            x += page.width + gap
        sheet.save(png, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        sheet_pdf, summary_pdf = Path(folder) / "sheet.pdf", Path(folder) / "summary.pdf"
        sample_sheet_pdf(sheet_pdf, args.lang)
        sample_summary_pdf(summary_pdf, args.lang)
        pages_side_by_side(sheet_pdf, args.out / "sheet.png")
        pages_side_by_side(summary_pdf, args.out / "summary.png")
    print(args.out / "sheet.png")
    print(args.out / "summary.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
