"""One gettext catalogue for the core and the UI.

Source strings are English; ``resources/translations/<lang>/*.po`` hold the translations and are
compiled into one ``kpidesk.mo`` per language (``python -m kpidesk.i18n.compile``).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable

from kpidesk.resources import TRANSLATIONS_DIR

DOMAIN = "kpidesk"
SUPPORTED = ("zh_CN", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def resolve_language(preference: str | None = None) -> str:
    """Turn a preference ('system', 'zh', 'zh_CN', 'en', None) into a supported language code. Following the
    system, ``KPIDESK_LANG`` comes first, then what the user's environment asks for."""
    pref = (preference or "system").strip()
    if pref.lower() in ("system", ""):
        pref = os.environ.get("KPIDESK_LANG", "").strip() or _system_language()
    pref = pref.replace("-", "_").lower()
    if pref.startswith(("zh", "chinese")):  # "Chinese (Simplified)_China" is how Windows names it
        return "zh_CN"
    return "en"


def _system_language() -> str:
    """The language the environment asks for: the variables gettext reads, in its order (set even where that
    locale is not installed, when Python reports another), then the locale (Windows sets no variables)."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(":")[0]
        if value and value != "POSIX" and value.split(".")[0] != "C":
            return value
    import locale  # only to follow the system: a chosen language starts the window without it

    return locale.getlocale()[0] or "en"


def set_language(preference: str | None = None) -> str:
    """Switch the catalogue; returns the language chosen. Listeners (the UI) are told."""
    global _translation, _language
    _language = resolve_language(preference)
    _translation = gettext.NullTranslations() if _language == "en" else _catalogue(_language)
    for listener in list(_listeners):
        listener(_language)
    return _language


def _catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` ("zh_CN", else "zh"); the source strings when there is none.
    The path is built here rather than by ``gettext.translation``, whose search loads the ``locale`` module
    the window's first frame does not otherwise need."""
    for name in (language, language.partition("_")[0]):
        path = TRANSLATIONS_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        try:
            with open(path, "rb") as file:
                return gettext.GNUTranslations(file)
        except FileNotFoundError:
            continue
    return gettext.NullTranslations()


def current_language() -> str:
    return _language


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation later (kept in English until rendered with ``_``)."""
    return message


def pick(zh: str | None, en: str | None) -> str:
    """Choose the bilingual data field for the current language, falling back to the other one."""
    if _language == "zh_CN":
        return zh or en or ""
    return en or zh or ""
