"""``kpidesk pdf`` for a few named employees: their charts are drawn by a process started before the database
is read, and gathering a sheet needs no matplotlib (that is what lets the two overlap), nor numpy or pandas
once the period is finalized. The program run as
such skips the collector's passes at exit; a caller of ``main`` keeps its collector as it was."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from pypdf import PdfReader
from tests_support.cli import run

from kpidesk.charts import chart_process
from kpidesk.cli import build_parser
from kpidesk.cli.cmd_pdf import few_charts


def _args(*extra: str):
    return build_parser().parse_args(["pdf", "--period", "2025-11", "--out", "x.pdf", *extra])


def test_only_a_few_named_employees_get_a_chart_process():
    assert few_charts(_args("--employee", "CS001"))
    assert few_charts(_args("--employee", "CS001", "CS002", "CS003", "CS004"))
    assert not few_charts(_args("--employee", "CS001", "CS002", "CS003", "CS004", "CS005"))
    assert not few_charts(_args("--employee", "CS001", "--no-charts"))
    assert not few_charts(_args("--employee", "CS001", "--summary"))
    assert not few_charts(_args("--department", "一组"))
    assert not few_charts(_args())


def test_one_sheet_gets_its_charts_from_the_chart_process(demo, capsys, tmp_path, monkeypatch):
    started = []

    class Recording(chart_process.ChartProcess):
        def send_ahead(self, job):
            started.append(("ahead", job.kind))
            return super().send_ahead(job)

        def render(self, jobs):
            started.append(("asked", [job.kind for job in jobs]))
            return super().render(jobs)

    monkeypatch.setattr(chart_process, "ChartProcess", Recording)
    out = tmp_path / "cs001.pdf"
    code, stdout, err = run(capsys, "--db", demo, "pdf", "--period", "2025-11", "--employee", "CS001",
                            "--lang", "en", "--out", str(out))
    assert code == 0, err
    # each chart goes to the process as soon as its data is read, before the sheet is gathered
    assert started == [("ahead", "radar"), ("ahead", "trend"), ("asked", ["radar", "trend"])]
    page = PdfReader(str(out)).pages[0]
    assert len(page.images) == 2 and "CS001" in (page.extract_text() or "")


def test_gathering_a_sheet_imports_no_matplotlib():
    code = ("import sys\nimport kpidesk.services.printing.sheets\n"
            "print('matplotlib' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False", result.stderr


def test_only_the_program_itself_leaves_its_objects_to_the_operating_system(demo):
    """Called by a script, ``main`` returns; run as the program, the process ends with the command: its
    exit handlers still run and its output is whole (block-buffered into a pipe here), its code is the
    command's, and nothing after it runs."""
    code = ("import atexit, sys\nfrom kpidesk.cli import main\n"
            f"print('returned', main(['--db', {demo!r}, 'info']))\n"
            "atexit.register(lambda: print('exit handler ran'))\n"
            f"sys.argv = ['kpidesk', '--db', {demo!r}, 'score', '--period', '2025-11']\nmain()\n"
            "print('after main')\n")
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}  # as users run it
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=buffered)
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0 and "returned 0" in lines, result.stdout + result.stderr
    assert lines[-1] == "exit handler ran" and "after main" not in result.stdout
    assert any("CS012" in line for line in lines)  # the last person's row of the scores printed
    failing = code.replace("'2025-11'", "'2031-01'")
    result = subprocess.run([sys.executable, "-c", failing], capture_output=True, text=True, timeout=120, env=buffered)
    assert result.returncode != 0 and "after main" not in result.stdout and "2031-01" in result.stderr


def test_a_few_sheets_are_printed_with_the_collector_paused(demo, capsys, tmp_path, monkeypatch):
    from kpidesk.cli import cmd_pdf

    seen = []
    original = cmd_pdf._print

    def recording(args, ctx, charts):
        seen.append((charts is not None, gc.isenabled()))
        return original(args, ctx, charts)

    monkeypatch.setattr(cmd_pdf, "_print", recording)
    assert gc.isenabled()
    for extra in (["--employee", "CS001"], ["--employee", "CS001", "--no-charts"]):
        code, _stdout, err = run(capsys, "--db", demo, "pdf", "--period", "2025-11", *extra, "--lang", "en",
                                 "--out", str(tmp_path / "x.pdf"))
        assert code == 0, err
    assert seen == [(True, False), (False, True)]
    assert gc.isenabled()


def test_gathering_a_sheet_without_pay_imports_no_pay_code():
    code = ("import sys\nimport kpidesk.services.printing.sheets\n"
            "print(sorted(m for m in sys.modules if m.startswith('kpidesk.services.pay')))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_a_few_sheets_leave_the_pause_frozen_only_when_the_program_ends(monkeypatch, tmp_path):
    from kpidesk.cli import CliContext, cmd_pdf

    class NoProcess:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    frozen = []
    monkeypatch.setattr(chart_process, "ChartProcess", NoProcess)
    monkeypatch.setattr(cmd_pdf, "_print", lambda args, ctx, charts: 0)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(gc.isenabled()))
    args = build_parser().parse_args(["pdf", "--period", "2025-11", "--employee", "CS001",
                                      "--out", str(tmp_path / "x.pdf")])
    assert cmd_pdf.run_pdf(args, CliContext(db_target=None)) == 0
    assert frozen == []  # a caller of main keeps its collector as it was
    assert cmd_pdf.run_pdf(args, CliContext(db_target=None, ending_process=True)) == 0
    assert frozen == [False]  # frozen while still paused: no pass walks what was loaded
    assert gc.isenabled()


def test_printing_a_finalized_sheet_loads_no_numerical_library_nor_a_toml_parser(demo, tmp_path):
    """A finalized period's rows are read as its snapshot stored them (numpy and pandas: a third of a second
    to load; the charts are drawn in their own process) and the forms a sheet shows as stored (the TOML
    parser is for form files only, 8 ms)."""
    out = tmp_path / "cs001.pdf"
    code = ("import sys\nfrom kpidesk.cli import main\n"
            f"main(['--db', {demo!r}, 'pdf', '--period', '2025-11', '--employee', 'CS001', '--no-charts', "
            f"'--out', {str(out)!r}])\nprint(sorted({{'numpy', 'pandas', 'tomllib'}} & set(sys.modules)))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.exists() and result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
