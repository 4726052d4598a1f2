"""Control characters in text people type or import.

A BEL or ESC in a name rings the terminal or rewrites it, and spreadsheet writers refuse such cells, so
they are refused on the way in (C0, DEL and C1; tab and line breaks only where a text may span lines, as
comments do) and shown as visible marks on the way out, for text stored before this rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kpidesk.errors import Place, ValidationError
from kpidesk.i18n import _

#: Control characters never accepted: C0 except tab, line feed and carriage return; DEL; C1.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Control characters a one-line text (a name, a code) may not hold: all of C0, DEL and C1.
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character ``text`` may not hold, or None."""
    found = (_CONTROL if multiline else _LINE_CONTROL).search(text)
    return found.group() if found else None


def char_code(char: str) -> str:
    return f"U+{ord(char):04X}"


def control_character_message(char: str) -> str:
    return _("the text contains the control character {code}; remove it").format(code=char_code(char))


def check_text(text: str | None, what: str, *, multiline: bool = False, place: Place | None = None) -> None:
    """Refuse a text holding a control character; ``what`` names the field in the message."""
    if not text:
        return
    char = control_character(text, multiline=multiline)
    if char is not None:
        raise ValidationError(f"{what}: {control_character_message(char)}", place)


def line_breaches(texts: Mapping[Any, object]) -> list[tuple[Any, str]]:
    """(key, character) for each one-line text holding a control character, line breaks and tabs
    included; ``texts`` maps a row (or any key) to its text."""
    found = []
    for key, text in texts.items():
        if isinstance(text, str) and (char := control_character(text)) is not None:
            found.append((key, char))
    return found


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode picture of the character: ␇ for BEL, ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def show_controls(text: str, *, keep_lines: bool = True) -> str:
    """``text`` with each control character replaced by a visible mark (tab and line breaks kept when
    ``keep_lines``), so that it can reach a terminal or a spreadsheet safely."""
    return (_CONTROL if keep_lines else _LINE_CONTROL).sub(_visible, text)
