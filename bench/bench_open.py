"""Opening the 5,000-person office as the window's opening task does, the first time in a day and again.

    python bench/bench_open.py [--size 5000] [--runs 5]

Each opening is a fresh process calling ``kpidesk.ui.opening.open_file`` (the look at the file, migrations
checked, the day's backup when there is none yet, the periods listed), timed around that call alone, with
the modules it needs already imported. The first opening of the day also writes the backup and checks it
in full; the later ones show what every other opening costs. Prints the first and the median of the rest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_office import office_copy  # noqa: E402

OPEN = r"""
import sys, time
from kpidesk.services.actor import Actor
from kpidesk.ui.opening import open_file
import kpidesk.services.appraisal.use_cases, kpidesk.services.safety.database, kpidesk.services.safety.startup
started = time.perf_counter()
open_file(sys.argv[1], Actor.local_owner()).db.dispose()
print(time.perf_counter() - started)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="people in the office")
    parser.add_argument("--runs", type=int, default=5, help="openings after the first")
    args = parser.parse_args(argv)
    _folder, database = office_copy(args.size, "kpidesk-open-")  # its own home too: no user's files touched
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def opening() -> float:
        done = subprocess.run([sys.executable, "-c", OPEN, str(database)], capture_output=True, text=True,
                              env=env, cwd=ROOT, timeout=600, check=True)
        return float(done.stdout.split()[-1])

    first = opening()
    again = [opening() for _run in range(args.runs)]
    print(f"{args.size} people, {database.stat().st_size / 2**20:.0f} MB")
    print(f"first opening of the day (backup written and checked): {first:.2f} s")
    print(f"opening again the same day, median of {args.runs}: {statistics.median(again):.2f} s "
          f"({min(again):.2f}–{max(again):.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
