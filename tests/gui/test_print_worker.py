"""The Print page's warm child: started when the page is shown, serving every preview of its database and
acting user (charts drawn once), and stopped when the page closes, the database changes or someone else acts."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt


def _print_page(main_window):
    page = main_window.show_page("print")
    assert page is not None and page.choices is not None, "the print choices did not load"
    return page


def _preview(page, qtbot, staff_nos):
    page.choose_employees(staff_nos)
    with qtbot.waitSignal(page.finished, timeout=60000) as finished:
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert not isinstance(finished.args[0], BaseException), finished.args[0]
    assert page.preview_widget.page_count >= 1


def test_showing_the_page_starts_one_worker_whose_previews_reuse_their_charts(main_window, qtbot):
    page = _print_page(main_window)
    worker = page.worker
    assert worker is not None and worker.serves(main_window.ctx.db, main_window.ctx.actor)
    assert worker.wait_ready(120)  # warmed up, and the period's first sheet rehearsed
    first, one, two = (staff_no for staff_no, _name, _where in page.choices.employees[:3])
    _preview(page, qtbot, [one])
    assert page.worker is worker
    drawn, reused = worker.charts_drawn, worker.charts_reused
    _preview(page, qtbot, [one, two])  # one's charts come from the worker's memory
    assert (worker.charts_drawn, worker.charts_reused) == (drawn + 2, reused + 2)
    _preview(page, qtbot, [first])  # drawn by the rehearsal before anyone asked
    assert (worker.charts_drawn, worker.charts_reused) == (drawn + 2, reused + 4)
    assert page.worker is worker


def test_the_worker_stops_with_another_database_another_actor_and_the_page(main_window, qtbot, tmp_path):
    page = _print_page(main_window)
    first = page.worker
    assert first is not None and first.alive
    other = tmp_path / "other.db"
    shutil.copyfile(main_window.ctx.db.path, other)
    main_window.open_path(other)
    assert first.stopped
    qtbot.waitUntil(lambda: not first.alive, timeout=20000)
    page = _print_page(main_window)
    second = page.worker
    assert second is not None and second is not first and second.serves(main_window.ctx.db, main_window.ctx.actor)

    main_window.ctx.actor = replace(main_window.ctx.actor, name="someone else")
    _preview(page, qtbot, ["CS003"])  # printed by a worker for the new actor, never the old one
    assert second.stopped
    qtbot.waitUntil(lambda: not second.alive, timeout=20000)
    third = page.worker
    assert third is not None and third.actor == main_window.ctx.actor and third.alive

    assert page.about_to_close()
    assert third.stopped and page.worker is None
    qtbot.waitUntil(lambda: not third.alive, timeout=20000)


def test_the_warm_worker_prints_a_batch_whose_charts_go_to_a_pool_of_processes(db, actor, tmp_path):
    """A batch of charts (a pool of processes, started inside the worker) prints through the warm child."""
    from pypdf import PdfReader

    from kpidesk.services.demo_office import build_office
    from kpidesk.services.printing.sheets import POOL_FROM_CHARTS, PrintRequest
    from kpidesk.ui.pages.print.process import PrintWorker

    people = POOL_FROM_CHARTS + 1  # a chart or two a sheet (no forms here, so no radar): enough for the pool
    build_office(db, actor, people)
    worker = PrintWorker(db, actor)
    try:
        out = tmp_path / "batch.pdf"
        outcome = worker.print(PrintRequest(period="2025-12", charts=True), str(out))
    finally:
        worker.stop(wait=True)
    assert outcome.documents == people and len(PdfReader(str(out)).pages) == outcome.pages >= people
    assert not worker.alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_worker_whose_window_process_died_leaves_by_itself(tmp_path):
    """The child is no daemon, so nothing ends it with the window's process: it notices and leaves."""
    import os
    import subprocess
    import sys
    import time

    script = (
        "import os, sys\n"
        "from kpidesk.services.actor import Actor\n"
        "from kpidesk.store.db import open_database\n"
        "from kpidesk.ui.pages.print.process import PrintWorker\n"
        "if __name__ == '__main__':\n"
        "    worker = PrintWorker(open_database(sys.argv[1]), Actor('tester'))\n"
        "    print(worker.pid, flush=True)\n"
        "    os._exit(0)  # gone without stopping its worker, as after a crash\n"
    )
    path = tmp_path / "died.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path), str(tmp_path / "office.db")], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    child = int(done.stdout.split()[0])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _running(child):
        time.sleep(0.2)
    assert not _running(child)


def _running(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie (ended, not yet reaped by init) has left too
        return stat.read().split(")")[-1].split()[0] != "Z"
