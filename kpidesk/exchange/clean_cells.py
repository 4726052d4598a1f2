"""Control characters in the cells of an imported file are refused, naming the cell.

Checked once per sheet as it is read, for every kind of import: the string cells are joined and searched
in one pass (each distinct text of a grid's column once: long sheets repeat theirs, and the tables read
from the sheet reuse the same codes), and only a sheet that holds such a character is walked cell by cell
to name it. Tab and line breaks pass here (Excel cells may span lines); fields that must be one line
check that themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from kpidesk.domain.text_rules import control_character, control_character_message
from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.textfiles import GridRows


def check_rows(rows: Sequence[Sequence[object]], file: str, sheet: str | None) -> None:
    """Raise a ValidationError at the first cell holding a control character."""
    if isinstance(rows, GridRows):
        texts = [v for _codes, distinct in rows.column_codes() for v in distinct if isinstance(v, str)]
    else:
        texts = [v for row in rows for v in row if isinstance(v, str)]
    if control_character("\n".join(texts), multiline=True) is None:
        return
    from kpidesk.exchange.readers import column_letter  # only on the rare sheet that fails

    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and (char := control_character(value, multiline=True)):
                place = Place(file=file, sheet=sheet, row=r + 1, column=column_letter(c))
                raise ValidationError(control_character_message(char), place)
