"""Every message of the data-safety code has a Chinese translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

import kpidesk
from kpidesk.i18n import _, set_language

ROOT = Path(kpidesk.__file__).parent
FILES = ["services/safety/backup.py", "services/safety/gates.py", "services/safety/use_cases.py", "services/safety/auth.py", "services/safety/access.py", "services/safety/audit.py",
         "services/printing/verification.py", "services/safety/period_lock.py", "cli/cmd_safety.py", "store/backups.py",
         "store/sqlite.py", "services/safety/witness.py", "services/appraisal/integrity.py"]


def _messages() -> list[str]:
    found = []
    for name in FILES:
        for _line, message, _comments, _context in extract_from_file("python", ROOT / name,
                                                                     keywords={"_": None, "N_": None}):
            if message not in found:
                found.append(message)
    return found


@pytest.fixture
def chinese():
    set_language("zh_CN")
    yield
    set_language("en")


def test_every_message_is_translated_with_its_placeholders(chinese):
    messages = _messages()
    assert len(messages) > 100
    untranslated = [m for m in messages if _(m) == m]
    assert not untranslated
    mismatched = [m for m in messages if set(re.findall(r"{\w+}", m)) != set(re.findall(r"{\w+}", _(m)))]
    assert not mismatched


def test_cli_speaks_chinese(tmp_path, capsys):
    from kpidesk.cli import main

    db = str(tmp_path / "k.db")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    assert main(["--lang", "zh", "--db", db, "backup"]) == 0
    assert "备份已写入" in capsys.readouterr().out
    assert main(["--lang", "zh", "--db", db, "audit", "verify"]) == 0
    assert "审计日志完整" in capsys.readouterr().out
