"""Every string the data-entry, import and forms screens show has its zh_CN translation."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "kpidesk/ui/pages/data_entry/page.py", "kpidesk/ui/pages/data_entry/model.py", "kpidesk/ui/pages/data_entry/cells.py",
    "kpidesk/ui/import_wizard/wizard.py", "kpidesk/ui/import_wizard/models.py", "kpidesk/ui/pages/forms/page.py",
    "kpidesk/ui/pages/forms/widgets.py", "kpidesk/ui/new_period.py",
    "kpidesk/ui/pages/results/finalize_check.py",
]


def _messages(path: Path) -> list[str]:
    from babel.messages.extract import extract_from_file

    return [message for _line, message, _comments, _context in
            extract_from_file("python", str(path), keywords={"_": None, "N_": None})]


@pytest.mark.parametrize("module", MODULES)
def test_every_message_is_translated(module):
    from kpidesk.i18n.compile import merged_catalog
    from kpidesk.resources import TRANSLATIONS_DIR

    catalog = merged_catalog(TRANSLATIONS_DIR / "zh_CN")
    messages = _messages(ROOT / module)
    assert messages, f"{module} has no messages to check"
    missing = [m for m in messages if not (catalog.get(m) and catalog.get(m).string)]
    assert not missing, f"untranslated in {module}: {missing}"


def test_placeholders_survive_translation():
    import re

    from kpidesk.i18n.compile import merged_catalog
    from kpidesk.resources import TRANSLATIONS_DIR

    catalog = merged_catalog(TRANSLATIONS_DIR / "zh_CN")
    fields = re.compile(r"\{(\w+)\}")
    for module in MODULES:
        for message in _messages(ROOT / module):
            translated = catalog.get(message).string
            assert set(fields.findall(message)) == set(fields.findall(translated)), (message, translated)


def test_every_period_status_has_a_label():
    from kpidesk.domain.statuses import PeriodStatus
    from kpidesk.services.appraisal.status_words import PERIOD_STATUS_WORDS, period_status_text

    assert set(PERIOD_STATUS_WORDS) == set(PeriodStatus)
    assert period_status_text("review") == period_status_text(PeriodStatus.REVIEW) != "review"
