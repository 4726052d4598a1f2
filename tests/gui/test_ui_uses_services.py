"""The window leaves units of work to the services: no page, dialog or helper under kpidesk/ui opens a
session or a transaction (import-linter keeps kpidesk.store and SQLAlchemy out; this catches a
``db.session()`` that needs no import)."""

import re
from pathlib import Path

import kpidesk

OPENS_A_UNIT_OF_WORK = re.compile(r"\.(session|write|begin)\(\)")


def test_no_ui_module_opens_a_unit_of_work():
    root = Path(kpidesk.__file__).parent / "ui"
    opened = [f"{path.relative_to(root)}:{number}: {line.strip()}"
              for path in sorted(root.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if OPENS_A_UNIT_OF_WORK.search(line)]
    assert opened == []
    assert OPENS_A_UNIT_OF_WORK.search("    with self.ctx.db.session() as session:")  # the pattern bites
