"""This computer's preferences (QSettings), each key declared once with its type and default.

QSettings hands back whatever the file holds (an INI file returns numbers as text and a one-item list as a
plain string), so every read goes through the setting's parser and a value it cannot read gives the default;
a write is checked by the same parser, so a wrong value fails where it is written, with the key's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

LANGUAGES = ("system", "zh_CN", "en")


def _identity(value: Any) -> Any:
    return value


class MachineSetting(Generic[T]):
    """One QSettings key: ``parse`` turns the stored value into ``T`` (ValueError/TypeError when it cannot),
    ``encode`` turns ``T`` into what QSettings stores. A plain class rather than a dataclass: making a
    dataclass costs about a millisecond, and the window reads its settings before its first paint."""

    __slots__ = ("key", "default", "parse", "encode")

    def __init__(self, key: str, default: T, parse: Callable[[Any], T],
                 encode: Callable[[T], Any] = _identity) -> None:
        self.key = key
        self.default = default
        self.parse = parse
        self.encode = encode

    def __repr__(self) -> str:
        return f"MachineSetting({self.key!r}, default={self.default!r})"

    def read(self, settings: QSettings) -> T:
        raw = settings.value(self.key)
        if raw is not None:
            try:
                return self.parse(raw)
            except (TypeError, ValueError):
                pass
        import copy  # here, not at the top: the first window reads its settings before its first paint

        return copy.copy(self.default)  # a caller may change what it reads; the default must stay

    def write(self, settings: QSettings, value: T) -> None:
        stored = self.encode(value)
        try:
            self.parse(stored)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"setting {self.key}: {exc}") from None
        settings.setValue(self.key, stored)


# ---------------------------------------------------------------------------------------- parsers


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError(f"expected text, got {type(raw).__name__}")
    return raw


def _optional_text(raw: Any) -> str | None:
    return _text(raw) or None


def _whole_number(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise TypeError(f"expected a whole number, got {raw!r}")
    return int(raw)


def _texts(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):  # an INI file gives a one-item list back as its item
        return (raw,) if raw else ()
    if not isinstance(raw, (list, tuple)):
        raise TypeError(f"expected a list of text, got {type(raw).__name__}")
    return tuple(str(item) for item in raw if item)


def _layout(raw: Any) -> QByteArray | None:
    """Saved geometry or header state; an empty one counts as none."""
    if not isinstance(raw, QByteArray):
        raise TypeError(f"expected saved bytes, got {type(raw).__name__}")
    return None if raw.isEmpty() else raw


def _layout_or_nothing(value: QByteArray | None) -> QByteArray:
    return value if value is not None else QByteArray()


def _language(raw: Any) -> str:
    if raw not in LANGUAGES:
        raise ValueError(f"{raw!r} is not one of {', '.join(LANGUAGES)}")
    return str(raw)


def _column_widths(raw: Any) -> dict[str, int]:
    import json  # the only settings held as JSON belong to a page, read after the first paint

    value = json.loads(_text(raw))
    if not isinstance(value, dict):
        raise TypeError("expected column name → width")
    return {str(name): _whole_number(width) for name, width in value.items()}


def _as_list(values: tuple[str, ...]) -> list[str]:
    return list(values)


def _as_json(widths: dict[str, int]) -> str:
    import json

    return json.dumps(widths)


# ---------------------------------------------------------------------------------------- the keys

LANGUAGE = MachineSetting("language", "system", _language)

LAST_PAGE = MachineSetting("window/last_page", "", _text)
LAST_PERIOD: MachineSetting[str | None] = MachineSetting("window/last_period", None, _optional_text)
WINDOW_GEOMETRY: MachineSetting[QByteArray | None] = MachineSetting(
    "window/geometry", None, _layout, _layout_or_nothing)
WINDOW_STATE: MachineSetting[QByteArray | None] = MachineSetting("window/state", None, _layout, _layout_or_nothing)
SIDEBAR_SPLITTER: MachineSetting[QByteArray | None] = MachineSetting(
    "window/splitter", None, _layout, _layout_or_nothing)

LAST_DATABASE: MachineSetting[str | None] = MachineSetting("database/last", None, _optional_text)
RECENT_DATABASES: MachineSetting[tuple[str, ...]] = MachineSetting("database/recent", (), _texts, _as_list)

HISTORY_KIND = MachineSetting("history/kind", "trend", _text)
HISTORY_RANGE = MachineSetting("history/range", 12, _whole_number)
HISTORY_EMPLOYEE: MachineSetting[str | None] = MachineSetting("history/employee", None, _optional_text)
HISTORY_KPI: MachineSetting[str | None] = MachineSetting("history/kpi", None, _optional_text)
HISTORY_EXPORT_FOLDER = MachineSetting("history/export_folder", "", _text)

DATA_ENTRY_TEMPLATE = MachineSetting("data_entry/template", "", _text)
DATA_ENTRY_COLUMN_WIDTHS: MachineSetting[dict[str, int]] = MachineSetting(
    "data_entry/column_widths", {}, _column_widths, _as_json)

PRINT_FOLDER = MachineSetting("print/folder", "", _text)


def table_columns(table: str) -> MachineSetting[QByteArray | None]:
    """A table's column widths, order and sorting, one key per table (``table`` names it, e.g. "kpis")."""
    return MachineSetting(f"tables/{table}", None, _layout, _layout_or_nothing)


ALL: tuple[MachineSetting[Any], ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, MachineSetting))
