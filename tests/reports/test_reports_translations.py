"""Every label the charts and reports translate has its Chinese in reports.po."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from tests_support.repo import REPO_ROOT

from kpidesk.resources import TRANSLATIONS_DIR

_CALL = re.compile(r"""\bN?_\(\s*(["'])(.+?)\1\s*\)""")
_FILES = ("kpidesk/services/printing/sheets.py", "kpidesk/services/printing/chart_data.py", "kpidesk/cli/cmd_pdf.py",
          "kpidesk/cli/cmd_chart.py")


def _msgids() -> set[str]:
    paths = [*(REPO_ROOT / "kpidesk" / "charts").glob("*.py"), *(REPO_ROOT / "kpidesk" / "reports").glob("*.py"),
             *(REPO_ROOT / f for f in _FILES)]
    found = set()
    for path in paths:
        found |= {m.group(2) for m in _CALL.finditer(path.read_text(encoding="utf-8"))}
    return found


def test_every_report_string_is_translated():
    with (TRANSLATIONS_DIR / "zh_CN" / "reports.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh) if m.id}
    used = _msgids()
    assert {"Page {page} of {pages}", "Self rating", "which chart"} <= used
    missing = sorted(m for m in used if not catalogue.get(m))
    assert missing == []


def test_page_label_keeps_its_placeholders():
    with (TRANSLATIONS_DIR / "zh_CN" / "reports.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh) if m.id}
    assert catalogue["Page {page} of {pages}"].format(page=2, pages=3) == "第 2 页 / 共 3 页"


def test_translator_does_not_switch_the_application_language():
    from kpidesk.charts.translate import translator
    from kpidesk.i18n import current_language

    before = current_language()
    assert translator("zh")("Grade") == "等级"
    assert translator("en")("Grade") == "Grade"
    assert current_language() == before
    assert Path(TRANSLATIONS_DIR / "zh_CN" / "LC_MESSAGES" / "kpidesk.mo").exists()
