"""A gettext function for one language, without switching the application's language.

Printing a sheet in English while the window shows Chinese must not retranslate the window, so
charts and reports look strings up in the catalogue of the language they were asked for.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache

from kpidesk import i18n
from kpidesk.resources import TRANSLATIONS_DIR

Translate = Callable[[str], str]


@lru_cache(maxsize=4)
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(i18n.DOMAIN, localedir=str(TRANSLATIONS_DIR), languages=[language], fallback=True)


def translator(lang: str | None = None) -> Translate:
    """``_`` for ``lang`` ('zh', 'zh_CN', 'en'); the application's current language when None."""
    if lang is None:
        return i18n._
    return _catalogue(i18n.resolve_language(lang)).gettext


def language_code(lang: str | None = None) -> str:
    """The supported language ('zh_CN' or 'en') that ``lang`` stands for."""
    return i18n.current_language() if lang is None else i18n.resolve_language(lang)


def clear_cache() -> None:
    """Forget loaded catalogues (after the .mo file was recompiled)."""
    _catalogue.cache_clear()
