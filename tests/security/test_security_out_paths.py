"""One rule for ``--out`` on every command that writes a file: a missing parent folder, an existing folder
where a file is expected, and a place that cannot be written are each exit 3 naming the place, before
any work is done and without creating anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpidesk.cli import main

UNWRITABLE = Path("/proc")  # exists, is a folder, and takes no new files even for root

COMMANDS = {
    "pdf": lambda out: ["pdf", "--period", "2025-11", "--no-charts", "--out", str(out)],
    "chart": lambda out: ["chart", "trend", "--period", "2025-11", "--employee", "CS001", "--out", str(out)],
    "export": lambda out: ["export", "--period", "2025-11", "--out", str(out)],
    "import-template": lambda out: ["import-template", "--period", "2025-12", "--position", "客服专员",
                                    "--out", str(out)],
    "backup": lambda out: ["backup", "--out", str(out)],
    "pay": lambda out: ["pay", "--period", "2025-11", "--out", str(out)],
    "audit export": lambda out: ["audit", "export", str(out)],
    "score": lambda out: ["score", "--period", "2025-11", "--format", "csv", "--out", str(out)],
    "forms export --blank": lambda out: ["forms", "export", "--period", "2025-12", "--form",
                                         "customer_service_staff", "--blank", "--out", str(out)],
}
SUFFIX = {"pdf": ".pdf", "chart": ".png", "backup": ".db", "forms export --blank": ".xlsx"}
FOLDER_COMMANDS = {
    "pdf --split": lambda out: ["pdf", "--period", "2025-11", "--no-charts", "--employee", "CS001", "--split",
                                "--out", str(out)],
    "forms export": lambda out: ["forms", "export", "--period", "2025-12", "--form", "customer_service_staff",
                                 "--out", str(out)],
}


@pytest.fixture
def demo_file(_demo_template, tmp_path) -> str:
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_template, path)
    return str(path)


def _run(args, capsys) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err


def _target(command: str, folder: Path) -> Path:
    return folder / f"out{SUFFIX.get(command, '.xlsx' if command in ('export', 'import-template') else '.csv')}"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_parent_folder_is_named_and_not_created(command, demo_file, tmp_path, capsys):
    missing = tmp_path / "missing" / "deeper"
    code, err = _run(["--db", demo_file, *COMMANDS[command](_target(command, missing))], capsys)
    assert code == 3, err
    assert f"the folder {missing} does not exist" in err
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "forms export --blank"])  # a folder takes it too
def test_an_existing_folder_is_refused_where_a_file_is_expected(command, demo_file, tmp_path, capsys):
    folder = tmp_path / "already"
    folder.mkdir()
    code, err = _run(["--db", demo_file, *COMMANDS[command](folder)], capsys)
    assert code == 3, err
    assert f"{folder} is a folder; give --out a file name" in err
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", {**COMMANDS, **FOLDER_COMMANDS})
def test_an_unwritable_place_is_named(command, demo_file, capsys):
    args = {**COMMANDS, **FOLDER_COMMANDS}[command]
    target = UNWRITABLE / "kpidesk-out" if command in FOLDER_COMMANDS else _target(command, UNWRITABLE)
    code, err = _run(["--db", demo_file, *args(target)], capsys)
    assert code == 3, err
    assert f"cannot write in {UNWRITABLE}" in err
    assert "unexpected error" not in err


@pytest.mark.parametrize("command", FOLDER_COMMANDS)
def test_folder_options_create_their_own_folder_but_not_its_parents(command, demo_file, tmp_path, capsys):
    args = FOLDER_COMMANDS[command]
    code, err = _run(["--db", demo_file, *args(tmp_path / "missing" / "sheets")], capsys)
    assert code == 3 and f"the folder {tmp_path / 'missing'} does not exist" in err
    code, err = _run(["--db", demo_file, *args(tmp_path / "sheets")], capsys)
    assert code == 0, err
    assert any((tmp_path / "sheets").iterdir())
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    code, err = _run(["--db", demo_file, *args(a_file)], capsys)
    assert code == 3 and f"{a_file} is a file; --out here takes a folder" in err


def test_a_good_place_still_works(demo_file, tmp_path, capsys):
    code, err = _run(["--db", demo_file, *COMMANDS["pdf"](tmp_path / "sheets.pdf")], capsys)
    assert code == 0, err
    assert (tmp_path / "sheets.pdf").stat().st_size > 0
