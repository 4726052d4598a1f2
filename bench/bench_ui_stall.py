"""UI-thread stalls while the app recomputes 500 employees and prints 100 sheets.

    python bench/bench_ui_stall.py [--employees 500] [--sheets 100]    (offscreen unless QT_QPA_PLATFORM is set)
    xvfb-run -a python bench/bench_ui_stall.py

A generated office (the starter library, five departments with two teams each, ``--employees`` people with
a month of raw data from the demo's generators) is opened in the real main window with the real thread
pools. A watchdog QTimer fires every 5 ms on the UI thread; a stall is how much later than due it fired.
Three phases are watched: opening the Results page (first computation and filling the table), the page's
Recompute (worker with progress), and printing ``--sheets`` sheets with charts from the Print page (worker,
charts in a process pool). Target: the longest stall of each phase ≤ 100 ms. Embedded matplotlib canvases
paint on the UI thread and CI timing is noisy, so this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from scratch import scratch_folder  # noqa: E402 - removed when the run ends

PERIOD = "2025-06"
POSITIONS = ("客服代表", "客服代表", "客服代表", "投诉专员", "客户关系主管")
TARGET_MS = 100.0
TICK_MS = 5


def build_office(path: Path, employees: int) -> None:
    """A database with the starter library, ``employees`` people and one open month of raw data."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal import measurements
    from kpidesk.services.appraisal.periods import open_period
    from kpidesk.services.demo import GENERATORS
    from kpidesk.services.library.starter import install_starter
    from kpidesk.services.people import staff
    from kpidesk.store.db import open_database

    actor = Actor(name="bench")
    rng = random.Random(11)
    db = open_database(path)
    with db.write() as session:
        install_starter(session, actor, "customer-service")
        teams = []
        for d in range(5):
            department = staff.get_or_create_department(session, f"客服{d + 1}部")
            teams += [staff.get_or_create_department(session, f"{department.name}{t}组", department) for t in "一二"]
        positions = {name: staff.get_or_create_position(session, name) for name in set(POSITIONS)}
        people = []
        for number in range(employees):
            position = POSITIONS[number % len(POSITIONS)]
            people.append((staff.add_employee(
                session, actor, staff_no=f"B{number:04d}", name=f"员工{number:04d}",
                department_id=teams[number % len(teams)].id, position_id=positions[position].id), position))
        open_period(session, actor, PERIOD)
        changes = []
        for employee, position in people:
            skill = rng.uniform(0.2, 1.0)
            for field, value in GENERATORS[position](rng, skill).items():
                changes.append(measurements.ValueChange(employee.id, field, Decimal(str(value))))
        measurements.set_values(session, actor, PERIOD, changes, audit_each=False)
    db.dispose()


class Watchdog:
    """Records how late a fast repeating timer fires on the UI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.stalls: list[float] = []

    def start(self) -> None:
        self.stalls = []
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        stalls = sorted(self.stalls) or [0.0]
        return {"max": stalls[-1], "p99": stalls[int(len(stalls) * 0.99)], "ticks": len(self.stalls)}

    def _tick(self) -> None:
        now = time.perf_counter()
        self.stalls.append(max(0.0, (now - self.last) * 1000 - TICK_MS))
        self.last = now


class StallSampler:
    """``--why``: a thread that, while the UI thread is late, records where the UI thread is (its stack)."""

    def __init__(self, dog: Watchdog, threshold_ms: float = 40.0) -> None:
        import collections
        import threading

        self.dog, self.threshold = dog, threshold_ms / 1000
        self.phase = ""  # the stacks are counted per phase, named by the bench
        self.main = threading.main_thread().ident
        self.seen: collections.Counter = collections.Counter()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.collections: list[tuple[float, int, str]] = []
        self._gc_started = 0.0
        import gc

        gc.callbacks.append(self._gc)

    def _gc(self, phase: str, info: dict) -> None:
        """Long garbage collections hold the interpreter lock, whichever thread runs them."""
        import threading

        if phase == "start":
            self._gc_started = time.perf_counter()
        elif time.perf_counter() - self._gc_started > 0.02:
            self.collections.append(((time.perf_counter() - self._gc_started) * 1000, info["generation"],
                                     threading.current_thread().name))

    def _run(self) -> None:
        import traceback

        while self.running:
            time.sleep(0.005)
            if self.dog.timer.isActive() and time.perf_counter() - self.dog.last > self.threshold:
                for ident, frame in sys._current_frames().items():
                    if ident == self.thread.ident:
                        continue
                    stack = traceback.extract_stack(frame)[-6:]
                    who = "UI" if ident == self.main else "worker"
                    line = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))
                    self.seen[(self.phase, f"[{who}] {line}")] += 1

    def report(self) -> None:
        import gc

        self.running = False
        gc.callbacks.remove(self._gc)
        for ms, generation, thread in sorted(self.collections, reverse=True)[:8]:
            print(f"gc generation {generation} took {ms:.0f} ms in thread {thread}")
        phases = list(dict.fromkeys(phase for phase, _stack in self.seen))
        for phase in phases:
            if phase:
                print(f"-- {phase}")
            stacks = [(stack, count) for (where, stack), count in self.seen.most_common() if where == phase]
            for stack, count in stacks[:30 if len(phases) == 1 else 12]:
                print(f"{count * 5:6d} ms  {stack}")


def wait_for(app, done, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the phase did not finish in time")
        app.processEvents()
        time.sleep(0.001)


def idle(window) -> bool:
    return not window.ctx.tasks.busy


def private_folder(prefix: str) -> Path:
    """A fresh folder that holds the run's home, settings, caches and log, so no user's files are touched."""
    folder = scratch_folder(prefix)
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[variable] = str(folder / variable.lower())
    os.environ["KPIDESK_LOG"] = str(folder / "kpidesk.log")
    return folder


def office_in_own_folder(employees: int, prefix: str) -> tuple[Path, Path]:
    """A private folder (see ``private_folder``) and a generated office of ``employees`` people in it."""
    folder = private_folder(prefix)
    database = folder / "office.db"
    started = time.perf_counter()
    build_office(database, employees)
    print(f"generated {employees} employees in {time.perf_counter() - started:.1f} s")
    return folder, database


def office_arguments(description: str, count: str, default: int, argv: list[str] | None) -> argparse.Namespace:
    """``--employees`` in the office, ``--<count>`` (how many sheets, rounds …) and ``--why``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument(f"--{count}", type=int, default=default)
    parser.add_argument("--why", action="store_true", help="sample the UI thread's stack while it stalls")
    return parser.parse_args(argv)


def shown_window(folder: Path):
    """The real main window (Chinese, starting on the Settings page), shown and painted once: the
    application, the window and the dialogs helper that answers its file choosers."""
    from PySide6.QtCore import QSettings

    from kpidesk.ui.app import after_first_paint, build_window, make_application
    from kpidesk.ui.dialogs import ScriptedDialogs

    app = make_application([sys.argv[0]])
    settings = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("language", "zh_CN")
    settings.setValue("window/last_page", "settings")
    dialogs = ScriptedDialogs()
    window = build_window(settings, dialogs=dialogs)
    window.resize(1360, 860)
    window.show()
    after_first_paint()
    return app, window, dialogs


def print_page_ready(app, window, dialogs, folder: Path, sheets: int):
    """The Print page with the first ``sheets`` people chosen and the save dialog answered: the page, the
    staff numbers and the PDF it will write."""
    printing = window.show_page("print")
    wait_for(app, lambda: idle(window) and printing.choices is not None)
    staff = [e[0] for e in printing.choices.employees[:sheets]]
    printing.choose_employees(staff)
    target = folder / "sheets.pdf"
    dialogs.queue(str(target))
    return printing, staff, target


def main(argv: list[str] | None = None) -> int:
    args = office_arguments(__doc__.splitlines()[0], "sheets", 100, argv)
    folder, database = office_in_own_folder(args.employees, "kpidesk-stall-")
    app, window, dialogs = shown_window(folder)
    window.open_path(database)
    wait_for(app, lambda: window.ctx.db is not None and idle(window))
    window.ctx.set_period(PERIOD)
    wait_for(app, lambda: idle(window))
    dog = Watchdog()
    sampler = StallSampler(dog) if args.why else None
    results: list[tuple[str, float, dict[str, float]]] = []

    def phase(name: str, action, done) -> None:
        dog.start()
        begun = time.perf_counter()
        action()
        wait_for(app, done)
        for _ in range(20):  # let the last repaints through
            app.processEvents()
            time.sleep(0.002)
        results.append((name, time.perf_counter() - begun, dog.stop()))

    page = {}
    phase("open Results (compute + fill the table)",
          lambda: page.setdefault("results", window.show_page("results")),
          lambda: idle(window) and page["results"].data is not None)
    results_page = page["results"]
    people = len(results_page.data.scores.frame)
    phase(f"Recompute {people} employees (worker, progress)", results_page.recompute, lambda: idle(window))

    printing, staff, target = print_page_ready(app, window, dialogs, folder, args.sheets)
    phase(f"print {len(staff)} sheets with charts (worker, process pool)", printing.save,
          lambda: idle(window) and printing.task is not None and printing.task.finished)
    ok = target.is_file() and printing.task.ok
    if not ok:
        print(f"printing failed: {printing.task.error!r}; {printing.status.text()}")

    window.close()
    if sampler is not None:
        sampler.report()
    print(f"\n{'phase':<56} {'time':>8} {'longest stall':>14} {'p99':>8}")
    worst = 0.0
    for name, seconds, stats in results:
        worst = max(worst, stats["max"])
        print(f"{name:<56} {seconds:7.2f}s {stats['max']:11.1f} ms {stats['p99']:6.1f} ms")
    print(f"\nlongest UI-thread stall: {worst:.1f} ms (target ≤ {TARGET_MS:.0f} ms) — "
          f"{'met' if worst <= TARGET_MS else 'NOT met'}; PDF written: {'yes' if ok else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
