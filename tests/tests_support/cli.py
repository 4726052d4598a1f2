"""Running one ``kpidesk`` command in the test process."""

from __future__ import annotations

from kpidesk.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``kpidesk *args``."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
