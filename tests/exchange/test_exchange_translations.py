"""Every message of import and export (exchange layer, services, commands) has its Chinese translation in the area's fragment."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from kpidesk.i18n.compile import merged_catalog

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "exchange/aliases.py", "exchange/grids.py", "exchange/layout.py", "exchange/readers.py",
    "exchange/textfiles.py", "exchange/values.py", "exchange/writers.py", "services/imports/registry.py",
    "services/import_preview.py",
    "services/imports/data.py", "services/imports/staff.py", "services/imports/kpis.py", "services/imports/exporting.py",
    "cli/cmd_import.py", "cli/cmd_export.py",
]
SOURCES = [ROOT / "kpidesk" / name for name in MODULES]
MARKED = re.compile(r"\bN?_\(\s*\"((?:[^\"\\]|\\.)*)\"")


def test_exchange_messages_are_translated():
    with (ROOT / "resources/translations/zh_CN/exchange.po").open("rb") as handle:
        own = read_po(handle, locale="zh_CN")
    shared = merged_catalog(ROOT / "resources/translations/zh_CN")  # a few messages are the core's
    translated = {m.id for m in own if m.id and m.string} | {m.id for m in shared if m.id and m.string}
    used = {match for path in SOURCES for match in MARKED.findall(path.read_text(encoding="utf-8"))}
    assert used, "no marked strings found"
    assert sorted(used - translated) == []
