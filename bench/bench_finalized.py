"""Reading a finalized month of the 5,000-person office: its snapshot read, checked against its hash and
turned into the period's scores, as Results, the Overview, exports and sheets of a finalized period do.

    python bench/bench_finalized.py [--size 5000] [--runs 5]

A copy of the generated office has one month finalized (``kpidesk period finalize --yes``); then
``period_scores`` is timed, median of ``--runs``, each in its own session, then the same with the
template lines a sheet reads beside the scores (``load_scored_period``), and the Overview of the month
after it, computed and compared with the finalized one (``period_overview``). The same snapshot is then
stored again in the spaced form earlier versions wrote (same content, same hash), which has to be
encoded again to be checked, and timed the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_office import office_copy  # noqa: E402

PERIOD = "2025-03"
NEXT_PERIOD = "2025-04"


def read_times(database: Path, runs: int, *, as_sheet: bool = False) -> list[float]:
    """Seconds of each read of the period's scores; ``as_sheet``: with the template lines a sheet reads too."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal.use_cases import period_scores
    from kpidesk.services.printing.chart_data import load_scored_period
    from kpidesk.store.db import open_database

    db = open_database(database)
    owner = Actor.local_owner()
    times = []
    try:
        for _run in range(runs):
            started = time.perf_counter()
            if as_sheet:
                with db.session() as session:
                    scores = load_scored_period(session, PERIOD, actor=owner).scores
            else:
                scores = period_scores(db, owner, PERIOD)
            times.append(time.perf_counter() - started)
            assert scores.source == "snapshot", scores.source
    finally:
        db.dispose()
    return times


def overview_times(database: Path, runs: int) -> list[float]:
    """Seconds of each Overview of the month after the finalized one (its movers compare the two)."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal.use_cases import period_overview
    from kpidesk.store.db import open_database

    db = open_database(database)
    times = []
    try:
        for _run in range(runs):
            started = time.perf_counter()
            overview = period_overview(db, Actor.local_owner(), NEXT_PERIOD)
            times.append(time.perf_counter() - started)
            assert overview.previous_period == PERIOD, overview.previous_period
    finally:
        db.dispose()
    return times


def store_spaced(database: Path) -> None:
    """The snapshot's text as earlier versions wrote it: keys sorted, with spaces after separators."""
    with sqlite3.connect(database) as connection:
        for snapshot_id, text in connection.execute("SELECT id, content FROM snapshots").fetchall():
            spaced = json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True)
            connection.execute("UPDATE snapshots SET content = ? WHERE id = ?", (spaced, snapshot_id))


def line(name: str, times: list[float]) -> str:
    return (f"{name:<48} median {statistics.median(times):.2f} s ({min(times):.2f}–{max(times):.2f} s, "
            f"{len(times)} reads)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="people in the office")
    parser.add_argument("--runs", type=int, default=5, help="reads of each form")
    args = parser.parse_args(argv)
    _folder, database = office_copy(args.size, "kpidesk-finalized-")
    subprocess.run([sys.executable, "-m", "kpidesk", "--db", str(database), "period", "finalize", PERIOD, "--yes"],
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"{args.size} people, {PERIOD} finalized")
    print(line("finalized month read (canonical snapshot text)", read_times(database, args.runs)))
    print(line("  … with the template lines, as a sheet reads it", read_times(database, args.runs, as_sheet=True)))
    print(line(f"Overview of {NEXT_PERIOD}, compared with it", overview_times(database, args.runs)))
    store_spaced(database)
    print(line("the same, snapshot text in the earlier form", read_times(database, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
