"""One person's sheet with charts, at once: previewed in the window, and written by the command line.

    python bench/bench_print_one.py [--runs 5] [--db demo.db] [--no-window] [--no-cli]

Window (offscreen unless QT_QPA_PLATFORM is set): the demo office in the real main window and thread pools,
the Print page shown and left until its print worker is ready; then for each run another employee is
chosen (never the one the worker rehearsed) and Preview clicked, timed until the preview shows page 1. "warm" is that (target ≤ 0.5 s); "again"
previews a person printed before (their charts come from the worker's memory); "cold" stops the worker
first, so a child is started for the click as every preview did before. Processor time is this process's
plus the printing child's (read from /proc, so Linux only).

Command line: ``kpidesk --db <demo> pdf --period 2025-11 --employee CS001 --out x.pdf`` as a whole process,
median of ``--runs`` (target ≤ 1.0 s), after one untimed run; charts are never cached between processes,
so every run draws them cold. Bytecode is cached (in a folder of the bench's own), as in an installed copy.
Processor time counts the command and every process it started; the command's own share is printed
under it (what bounds the wall time when a core is free for its chart process), and beside it the floor: a
bare interpreter importing SQLAlchemy's ORM and reportlab, which the command cannot do without (a finalized
period's sheet is gathered without numpy or pandas; its charts are drawn in the other process), run in turns
with the command.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

from bench_ui_stall import wait_for  # noqa: E402 - the same wait, pumping the window's events
from scratch import scratch_folder  # noqa: E402 - removed when the run ends

PERIOD = "2025-11"
PREVIEW_TARGET = 0.5
CLI_TARGET = 1.0


def child_cpu(pid: int | None) -> float:
    """Processor seconds a live child process used so far (0 when it is gone or unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def finished_children_cpu() -> float:
    """Processor seconds of the child processes that ended (a child started for one preview)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_window(database: Path, folder: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    from PySide6.QtCore import QSettings

    from kpidesk.ui.app import after_first_paint, build_window, make_application
    from kpidesk.ui.dialogs import ScriptedDialogs

    app = make_application([sys.argv[0]])
    settings = QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)
    settings.setValue("window/last_page", "settings")
    window = build_window(settings, dialogs=ScriptedDialogs())
    window.resize(1360, 860)
    window.show()
    after_first_paint()
    window.open_path(database)
    wait_for(app, lambda: window.ctx.db is not None and not window.ctx.tasks.busy)
    window.ctx.set_period(PERIOD)
    page = window.show_page("print")
    wait_for(app, lambda: page.choices is not None and not window.ctx.tasks.busy)
    warm = hasattr(page, "worker")  # the code before the warm worker had none
    if warm:
        assert page.worker is not None and page.worker.wait_ready(300), "the print worker did not get ready"
    staff = [staff_no for staff_no, _name, _where in page.choices.employees[1:runs + 1]]

    def preview(staff_no: str) -> tuple[float, float]:
        worker = getattr(page, "worker", None)
        pid = worker._process.pid if worker is not None else None
        cpu, child, ended = time.process_time(), child_cpu(pid), finished_children_cpu()
        begun = time.perf_counter()
        page.choose_employees([staff_no])
        page.preview_button.click()
        wait_for(app, lambda: page.task is not None and page.task.finished and page.preview_widget.page_count >= 1
                 and not page.preview_widget.image.pixmap().isNull())
        wall = time.perf_counter() - begun
        assert page.task.ok, page.status.text()
        return wall, (time.process_time() - cpu) + (child_cpu(pid) - child) + (finished_children_cpu() - ended)

    figures: dict[str, list[tuple[float, float]]] = {"warm": [], "again": [], "cold": []}
    for staff_no in staff:
        figures["warm"].append(preview(staff_no))
    if warm:
        for staff_no in staff:
            page.preview_key = None  # printed again, not the last preview file shown again
            figures["again"].append(preview(staff_no))
        page.stop_worker()
        page.warm_worker = lambda: None  # as before: a child for each click
        for staff_no in staff:
            page.preview_key = None
            figures["cold"].append(preview(staff_no))
    window.close()
    return figures


def ended_process_cpu(process: subprocess.Popen) -> tuple[float, float]:
    """Wait for ``process`` to end and return (its own processor seconds, its children's), read from
    /proc before it is reaped: the command's own share is the part its children cannot overlap."""
    os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    process.wait()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


#: What the command cannot print a sheet without, imported by a bare interpreter: the floor on this machine.
FLOOR = "import sqlalchemy.orm, reportlab.platypus"


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time, own processor time and its children's of one run of ``command``."""
    begun = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    itself, children = ended_process_cpu(process)
    wall = time.perf_counter() - begun
    if process.returncode:
        raise SystemExit(f"{command[:3]} failed with exit code {process.returncode}")
    return wall, itself, children


def bench_cli(database: Path, folder: Path, runs: int) -> tuple[list[tuple[float, float]], list[float], list[float]]:
    """The command's (wall, processor) and own processor times, and the floor's wall times, run in turns so
    both see the same spell of the machine."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(folder / "bytecode"), KPIDESK_LOG=str(folder / "cli.log"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "kpidesk", "--db", str(database), "pdf", "--period", PERIOD,
               "--employee", "CS001", "--out", str(folder / "cs001.pdf")]
    figures, own, floor = [], [], []
    for run in range(runs + 1):
        wall, itself, children = timed_process(command, env)
        floor_wall = timed_process([sys.executable, "-c", FLOOR], env)[0]
        if run:  # the first run only fills the bytecode cache
            figures.append((wall, itself + children))
            own.append(itself)
            floor.append(floor_wall)
    return figures, own, floor


def line(name: str, figures: list[tuple[float, float]], target: float | None) -> str:
    wall = statistics.median(f[0] for f in figures)
    cpu = statistics.median(f[1] for f in figures)
    verdict = "" if target is None else f"  target ≤ {target:.1f} s: {'met' if wall <= target else 'NOT met'}"
    return f"{name:<52} wall {wall:6.3f} s   processor {cpu:6.3f} s   (median of {len(figures)}){verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="the demo database (made in a temporary folder when left out)")
    parser.add_argument("--no-window", action="store_true")
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args(argv)
    folder = scratch_folder("kpidesk-print-one-")
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[variable] = str(folder / variable.lower())
    os.environ["KPIDESK_LOG"] = str(folder / "kpidesk.log")
    database = args.db
    if database is None:
        database = folder / "demo.db"
        subprocess.run([sys.executable, "-m", "kpidesk", "--db", str(database), "demo"], check=True,
                       stdout=subprocess.DEVNULL)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
    if not args.no_cli:
        figures, own, floor = bench_cli(database, folder, args.runs)
        print(line("kpidesk pdf --employee CS001 (whole process)", figures, CLI_TARGET))
        print(f"{'':<52} of which the command's own process: processor {statistics.median(own):6.3f} s")
        print(f"{'':<52} floor (SQLAlchemy's ORM, reportlab imported): wall {statistics.median(floor):6.3f} s")
    if not args.no_window:
        figures = bench_window(database, folder, args.runs)
        print(line("Preview one sheet, warm window (click → page 1)", figures["warm"], PREVIEW_TARGET))
        if figures["again"]:
            print(line("Preview again, charts drawn before (click → page 1)", figures["again"], None))
        if figures["cold"]:
            print(line("Preview with a child started per click (as before)", figures["cold"], None))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
