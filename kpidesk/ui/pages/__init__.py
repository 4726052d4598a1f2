"""The page registry: the ONE list of pages the main window shows, in sidebar order.

Add a page with one line: ``PageEntry(key, N_("Title"), icon_name, "module.path:ClassName")``.
A page class is a QWidget subclass (usually of ``kpidesk.ui.pages.base.Page``) constructed as
``Page(ctx, parent=None)``; it has ``refresh()`` and ``retranslate()``. Page modules are imported
only when their page is first shown, so a page may import pandas or matplotlib at the top.
"""

from __future__ import annotations

from kpidesk.i18n import N_


class PageEntry:
    """One page of the sidebar. A plain class rather than a dataclass: making a dataclass costs about a
    millisecond, and the window lists its pages before its first paint."""

    __slots__ = ("key", "title", "icon", "target", "services", "needs")

    def __init__(self, key: str, title: str, icon: str, target: str, services: tuple[str, ...] = (),
                 needs: tuple[str, ...] = ()) -> None:
        self.key = key  # stable id, stored in QSettings as the last page
        self.title = title  # English source, marked with N_ and translated when shown
        self.icon = icon  # a name from resources/icons (without .svg)
        self.target = target  # "package.module:ClassName"
        self.services = services  # Qt-free modules its loading needs, imported while the database opens
        self.needs = needs  # permissions (values of access.Permission); hidden from a login holding none

    def __repr__(self) -> str:
        return f"PageEntry({self.key!r}, {self.target!r})"

    def modules(self) -> tuple[str, ...]:
        return (self.target.partition(":")[0], *self.services)

    def load(self) -> type:
        import importlib

        module_name, _sep, class_name = self.target.partition(":")
        return getattr(importlib.import_module(module_name), class_name)


PAGES: list[PageEntry] = [
    PageEntry("overview", N_("Overview"), "overview", "kpidesk.ui.pages.overview.page:OverviewPage",
              services=("kpidesk.services.appraisal.overview",)),
    PageEntry("staff", N_("Staff"), "staff", "kpidesk.ui.pages.staff.page:StaffPage", needs=("staff.read",)),
    PageEntry("templates", N_("KPIs & templates"), "templates", "kpidesk.ui.pages.templates.page:TemplatesPage"),
    PageEntry("data_entry", N_("Data entry"), "data_entry", "kpidesk.ui.pages.data_entry.page:DataEntryPage",
              needs=("data.read",)),
    PageEntry("forms", N_("Appraisal forms"), "forms", "kpidesk.ui.pages.forms.page:FormsPage"),
    PageEntry("results", N_("Results & calibration"), "results", "kpidesk.ui.pages.results.page:ResultsPage"),
    PageEntry("history", N_("History & charts"), "history", "kpidesk.ui.pages.history.page:HistoryPage"),
    PageEntry("print", N_("Print"), "print", "kpidesk.ui.pages.print.page:PrintPage"),
    PageEntry("pay", N_("Pay"), "pay", "kpidesk.ui.pages.pay.page:PayPage", needs=("pay.read", "pay.own")),
    PageEntry("settings", N_("Settings"), "settings", "kpidesk.ui.pages.settings.page:SettingsPage"),
]


def page_entry(key: str) -> PageEntry | None:
    return next((entry for entry in PAGES if entry.key == key), None)
