"""Qt's own texts (OK/Cancel, file dialogs, context menus) and number formats follow our language.

Our strings come from the gettext catalogue; only Qt's built-in dialogs need Qt's translator.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_installed: list[QTranslator] = []


def apply_qt_language(language: str) -> None:
    """Install Qt's catalogue for ``language`` ("zh_CN" or "en") and make it the default locale."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QCoreApplication.instance()
    if app is None:
        return
    while _installed:
        app.removeTranslator(_installed.pop())
    if language == "en":
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", folder):
            app.installTranslator(translator)
            _installed.append(translator)
            return
