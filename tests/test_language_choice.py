"""Which language KPI Desk speaks when it follows the system: what the user's environment asks for, even on a
machine where that locale is not installed (Python then reports another), and KPIDESK_LANG before it."""

from __future__ import annotations

import locale

import pytest

from kpidesk.i18n import resolve_language

LOCALE_VARIABLES = ("KPIDESK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def environment(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(locale, "getlocale", lambda *args: ("en_US", "UTF-8"))  # a locale not installed
    return monkeypatch


@pytest.mark.parametrize("preference", [None, "system"])
def test_the_environment_is_followed_when_its_locale_is_missing(environment, preference):
    environment.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_language(preference) == "zh_CN"
    environment.setenv("LANGUAGE", "en_GB:zh_CN")  # gettext's own order: LANGUAGE first
    assert resolve_language(preference) == "en"


def test_c_and_posix_say_nothing_of_a_language(environment):
    environment.setenv("LC_ALL", "C.UTF-8")
    environment.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_language("system") == "zh_CN"
    environment.setenv("LANG", "POSIX")
    assert resolve_language("system") == "en"  # then the locale Python reports


def test_kpidesk_lang_comes_before_the_environment_but_not_before_a_choice(environment):
    environment.setenv("LANG", "en_US.UTF-8")
    environment.setenv("KPIDESK_LANG", "zh")
    assert resolve_language("system") == "zh_CN" and resolve_language(None) == "zh_CN"
    assert resolve_language("en") == "en"


def test_windows_names_of_the_locale(environment):
    environment.setattr(locale, "getlocale", lambda *args: ("Chinese (Simplified)_China", "936"))
    assert resolve_language("system") == "zh_CN"
    environment.setattr(locale, "getlocale", lambda *args: ("English_United States", "1252"))
    assert resolve_language("system") == "en"
