"""No text column takes a control character, whichever screen, command or import writes it.

The services refuse control characters where people type (with the field named, and line breaks refused
in names); this check at flush time catches every other way text reaches a row, so that nothing stored
can later ring a terminal or break a spreadsheet export. Tab and line breaks are allowed here (comments
and reasons span lines).
"""

from __future__ import annotations

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from kpidesk.domain.text_rules import check_text


def _text_columns(mapper) -> list[str]:
    return [
        attr.key for attr in mapper.column_attrs
        if len(attr.columns) == 1 and isinstance(attr.columns[0].type, String)  # JSON and enums are not String
    ]


def _check_instance(instance: object, only_changed: bool) -> None:
    state = inspect(instance)
    for key in _text_columns(state.mapper):
        if only_changed and not state.attrs[key].history.added:
            continue
        value = getattr(instance, key)
        if isinstance(value, str):
            check_text(value, f"{state.mapper.local_table.name}.{key}", multiline=True)


def _refuse_control_characters(session: Session, _context, _instances) -> None:
    for instance in session.new:
        _check_instance(instance, only_changed=False)
    for instance in session.dirty:
        _check_instance(instance, only_changed=True)


def install() -> None:
    """Check every session's flush (once, however often called)."""
    if not event.contains(Session, "before_flush", _refuse_control_characters):
        event.listen(Session, "before_flush", _refuse_control_characters)
