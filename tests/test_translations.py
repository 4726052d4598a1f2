from kpidesk.i18n import _, set_language
from kpidesk.i18n import compile as i18n_compile
from kpidesk.resources import TRANSLATIONS_DIR


def test_compiled_catalogues_are_current():
    for language_dir in (p for p in TRANSLATIONS_DIR.iterdir() if p.is_dir()):
        compiled = i18n_compile.mo_path(language_dir)
        assert compiled.exists(), f"run python -m kpidesk.i18n.compile ({compiled} missing)"
        assert compiled.read_bytes() == i18n_compile.compiled_bytes(language_dir), (
            "the .mo is stale: run python -m kpidesk.i18n.compile"
        )


def test_switching_language_changes_messages():
    set_language("zh_CN")
    assert _("Database ready: {path}") != "Database ready: {path}"
    set_language("en")
    assert _("Database ready: {path}") == "Database ready: {path}"


def test_chinese_is_found_by_its_language_alone_and_a_missing_catalogue_shows_the_source(monkeypatch, tmp_path):
    import kpidesk.i18n as i18n

    try:
        set_language("zh")  # "zh" resolves to the shipped zh_CN catalogue
        assert _("Database ready: {path}") != "Database ready: {path}"
        monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)  # no catalogue at all: English source strings
        set_language("zh_CN")
        assert i18n.current_language() == "zh_CN"
        assert _("Database ready: {path}") == "Database ready: {path}"
    finally:
        monkeypatch.undo()
        set_language("en")
