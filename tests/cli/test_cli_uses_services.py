"""The command line leaves units of work to the services: no command opens a session or a transaction
(import-linter already keeps kpidesk.store and SQLAlchemy out; this catches a ``db.write()`` that needs
no import)."""

import re
from pathlib import Path

import kpidesk

OPENS_A_UNIT_OF_WORK = re.compile(r"\.(session|write|begin)\(\)")


def units_of_work_opened_in(package: str) -> list[str]:
    root = Path(kpidesk.__file__).parent / package
    return [f"{path.relative_to(root.parent)}:{number}: {line.strip()}"
            for path in sorted(root.rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if OPENS_A_UNIT_OF_WORK.search(line)]


def test_no_command_opens_a_unit_of_work():
    assert units_of_work_opened_in("cli") == []
    assert OPENS_A_UNIT_OF_WORK.search("    with ctx.db.write() as session:")  # the pattern bites
