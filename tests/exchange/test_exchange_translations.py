"""Every message the exchange layer shows has its Chinese translation in the area's fragment."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "kpidesk" / "exchange").glob("*.py"))
MARKED = re.compile(r"\bN?_\(\s*\"((?:[^\"\\]|\\.)*)\"")


def test_exchange_messages_are_translated():
    with (ROOT / "resources/translations/zh_CN/exchange.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {m.id for m in catalog if m.id and m.string}
    used = {match for path in SOURCES for match in MARKED.findall(path.read_text(encoding="utf-8"))}
    assert used, "no marked strings found"
    assert sorted(used - translated) == []
