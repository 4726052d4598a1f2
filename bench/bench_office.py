"""A 5,000-person office in the real main window: open, Data entry, scroll, Results, Recompute, print.

    python bench/bench_office.py [--size 5000] [--sheets 100] [--why]   (offscreen unless QT_QPA_PLATFORM is set)
    xvfb-run -a python bench/bench_office.py

The office is the one ``kpidesk demo --size N`` makes (N people, a year of raw data, about 30 values per
person and month; generated once into ``bench/out/office-N.db`` and copied for each run, ``--fresh`` makes
it again). The real main window opens it with its real thread pools; a 5 ms watchdog timer on the UI thread
records how late it fires (a stall) in each phase:

    open the database · open Data entry (to a filled grid, then its scores) · page down the grid to its end ·
    open Results · Recompute · a key pressed while the results are computed ahead (the window computes them
    after a pause in the person's input; the figure is how long the database worker then takes to be free
    for what the person does next) · print ``--sheets`` sheets with charts from the Print page

Targets: Data entry shows a filled grid within 0.5 s; Recompute within 1 s; the longest stall of each phase
≤ 100 ms; the window process's resident memory at the end ≤ 600 MB (VmRSS, and its peak VmHWM, from
/proc/self/status). Wall time is printed with the processor time the whole process used in the phase.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from bench_ui_stall import (  # noqa: E402
    StallSampler,
    Watchdog,
    idle,
    print_page_ready,
    private_folder,
    shown_window,
    wait_for,
)

OUT = ROOT / "bench" / "out"
PERIOD = "2025-12"
STALL_TARGET_MS = 100.0
DATA_ENTRY_TARGET_S = 0.5
RECOMPUTE_TARGET_S = 1.0
MEMORY_TARGET_MB = 600.0


def office_database(size: int, fresh: bool) -> Path:
    """The generated office of ``size`` people, made once and kept in ``bench/out``."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.demo_office import build_office
    from kpidesk.store.db import open_database

    path = OUT / f"office-{size}.db"
    if path.is_file() and not fresh:
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    db = open_database(path)
    build_office(db, Actor.local_owner(), size)
    db.dispose()
    print(f"generated {size} people in {time.perf_counter() - started:.1f} s into {path}")
    return path


def office_copy(size: int, prefix: str, *, fresh: bool = False) -> tuple[Path, Path]:
    """A private folder (see ``private_folder``) holding a copy of the generated office, which the run may
    change as it likes: (folder, database)."""
    source = office_database(size, fresh)
    folder = private_folder(prefix)
    database = folder / "office.db"
    shutil.copyfile(source, database)
    return folder, database


def memory_mb() -> dict[str, float]:
    """Resident memory of this process now (VmRSS) and at its peak (VmHWM), in MB."""
    figures = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0]) / 1024
    return figures


class Phases:
    """Runs each phase under the watchdog and keeps its wall time, processor time and stalls."""

    def __init__(self, app, dog: Watchdog, sampler: StallSampler | None = None) -> None:
        self.app, self.dog, self.sampler = app, dog, sampler
        self.rows: list[tuple[str, float, float, dict[str, float]]] = []
        self.marks: dict[str, float] = {}

    def run(self, name: str, action, done) -> None:
        if self.sampler is not None:
            self.sampler.phase = name
        self.dog.start()
        begun, cpu = time.perf_counter(), time.process_time()
        self.marks["begun"] = begun
        action()
        wait_for(self.app, done)
        for _ in range(20):  # let the last repaints through
            self.app.processEvents()
            time.sleep(0.002)
        self.rows.append((name, time.perf_counter() - begun, time.process_time() - cpu, self.dog.stop()))


def page_down_to_end(app, window, view) -> int:
    """Page down through the whole grid as a person does, with the Page Down key sent to the window (so it
    sees the input, as it sees a person's), painting each screenful; returns how many screens were shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.activateWindow()
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    bar = view.verticalScrollBar()
    screens = 0
    while True:
        view.viewport().repaint()
        app.processEvents()
        screens += 1
        if bar.value() >= bar.maximum():
            return screens
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_PageDown)


AHEAD_PHASE = "a key pressed while the results are computed ahead"


def interrupted_computation(app, window, phases: Phases) -> dict:
    """Start the computation the window makes ahead after a pause, let it run a quarter of a second, then press
    a key: returns when it was typed, when the computation ended and whether it was cancelled."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from kpidesk.ui.pages.results.ahead import compute_results_ahead

    marks: dict = {}

    def start_then_type() -> None:
        window.ctx.kept_results.clear()  # else the result of the Recompute is kept and nothing is computed
        computation = compute_results_ahead(window.ctx, window)
        if computation is None:
            raise RuntimeError("the results were not computed ahead")
        computation.ended.connect(lambda cancelled: marks.update(ended=time.perf_counter(), cancelled=cancelled))
        running_until = time.monotonic() + 0.25
        while time.monotonic() < running_until:
            app.processEvents()
            time.sleep(0.001)
        marks["typed"] = time.perf_counter()
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_Shift)

    phases.run(AHEAD_PHASE, start_then_type, lambda: "ended" in marks)
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=5000, help="people in the office")
    parser.add_argument("--sheets", type=int, default=100, help="sheets printed with charts")
    parser.add_argument("--fresh", action="store_true", help="generate the office again")
    parser.add_argument("--why", action="store_true", help="sample the UI thread's stack while it stalls")
    args = parser.parse_args(argv)

    folder, database = office_copy(args.size, "kpidesk-office-", fresh=args.fresh)
    app, window, dialogs = shown_window(folder)
    dog = Watchdog()
    sampler = StallSampler(dog) if args.why else None
    phases = Phases(app, dog, sampler)

    phases.run("open the database", lambda: window.open_path(database),
               lambda: window.ctx.db is not None and idle(window))
    window.ctx.set_period(PERIOD)
    wait_for(app, lambda: idle(window))

    entry: dict = {}

    def entry_filled() -> bool:
        page = entry.get("page")
        if page is None or page.sheet is None or not page.model.rowCount():
            return False
        entry.setdefault("filled", time.perf_counter() - phases.marks["begun"])
        return idle(window)

    phases.run("open Data entry (filled grid, then its scores)",
               lambda: entry.setdefault("page", window.show_page("data_entry")), entry_filled)
    grid = entry["page"]
    rows, columns = grid.model.rowCount(), grid.model.columnCount()
    screens: dict[str, int] = {}
    phases.run(f"page down the grid to its end ({rows} × {columns})",
               lambda: screens.setdefault("count", page_down_to_end(app, window, grid.view)), lambda: True)

    results: dict = {}
    phases.run("open Results (compute + fill the table)",
               lambda: results.setdefault("page", window.show_page("results")),
               lambda: idle(window) and results["page"].data is not None)
    results_page = results["page"]
    people = len(results_page.data.scores.frame)
    phases.run(f"Recompute {people} people", results_page.recompute, lambda: idle(window))

    ahead = interrupted_computation(app, window, phases)

    printing, staff, target = print_page_ready(app, window, dialogs, folder, args.sheets)
    phases.run(f"print {len(staff)} sheets with charts", printing.save,
               lambda: idle(window) and printing.task is not None and printing.task.finished)
    printed = target.is_file() and printing.task.ok
    if not printed:
        print(f"printing failed: {printing.task.error!r}; {printing.status.text()}")
    memory = memory_mb()
    window.close()
    if sampler is not None:
        sampler.report()

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print(f"\n{args.size} people, period {PERIOD}; {screens.get('count', 0)} screens scrolled; "
          f"PDF written: {'yes' if printed else 'no'}")
    print(f"{'phase':<52} {'wall':>7} {'cpu':>7} {'figure':>16} {'target':>12}  result")
    figures = {name: (wall, cpu, stats) for name, wall, cpu, stats in phases.rows}
    for name, (wall, cpu, stats) in figures.items():
        longest = stats["max"]
        print(f"{name:<52} {wall:6.2f}s {cpu:6.2f}s {'stall ' + format(longest, '.0f') + ' ms':>16} "
              f"{'≤ 100 ms':>12}  {verdict(longest <= STALL_TARGET_MS)}")
        if name.startswith("open Data entry"):
            filled = entry.get("filled", wall)
            print(f"{'  … to a filled grid':<52} {filled:6.2f}s {'':>7} {format(filled, '.2f') + ' s':>16} "
                  f"{'≤ 0.5 s':>12}  {verdict(filled <= DATA_ENTRY_TARGET_S)}")
        if name.startswith("Recompute"):
            print(f"{'  … recompute time':<52} {wall:6.2f}s {cpu:6.2f}s {format(wall, '.2f') + ' s':>16} "
                  f"{'≤ 1 s':>12}  {verdict(wall <= RECOMPUTE_TARGET_S)}")
        if name == AHEAD_PHASE:
            gave_way = ahead.get("ended", 0.0) - ahead.get("typed", 0.0)
            stopped = "stopped" if ahead.get("cancelled") else "NOT stopped" if gave_way > 0 else "done before the key"
            gave_way = max(gave_way, 0.0)
            print(f"{'  … until the worker is free (' + stopped + ')':<52} {'':>7} {'':>7} "
                  f"{format(gave_way * 1000, '.0f') + ' ms':>16} {'—':>12}")
    rss, peak = memory.get("VmRSS", 0.0), memory.get("VmHWM", 0.0)
    print(f"{'resident memory at the end (peak)':<52} {'':>7} {'':>7} "
          f"{format(rss, '.0f') + ' (' + format(peak, '.0f') + ') MB':>16} {'≤ 600 MB':>12}  "
          f"{verdict(rss <= MEMORY_TARGET_MB)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
