"""Does a file look like the kind it is imported as? A survey imported as a staff list would otherwise
pass as "5 unchanged", and a staff list imported as data fails with no hint of what it is.

The look of a file is judged by its headers: the staff-list columns (department, team, position, hire
date …) and the value columns the header dictionary knows (contacts, scores, callbacks …).
"""

from __future__ import annotations

from kpidesk.exchange.aliases import STAFF, TELLING_COLUMNS, telling_headers
from kpidesk.exchange.header_dictionary import HEADERS_SHOWN, value_headers
from kpidesk.exchange.readers import SheetTable
from kpidesk.i18n import _
from kpidesk.services.import_preview import ImportProblem


def staff_list_kind_problems(table: SheetTable) -> list[ImportProblem]:
    """A blocking problem when a file imported as a staff list carries performance values and no staff-list
    column beyond number, name and department."""
    if any(field in TELLING_COLUMNS[STAFF] for field in table.mapping.values()):
        return []
    values = value_headers([c.label for c in table.columns if c.label not in table.mapping])
    if len(values) < 2:
        return []
    return [ImportProblem(table.place(), _(
        "this file looks like performance data (columns {headers}), not a staff list; import it as data").format(
            headers=", ".join(values[:HEADERS_SHOWN])), "wrong_kind")]


def looks_like_staff_list(table: SheetTable) -> str | None:
    """For a data file with no value column: a sentence saying it looks like a staff list, or None."""
    found = telling_headers([c.label for c in table.columns], STAFF)
    if len(found) < 2:
        return None
    return _("this file looks like a staff list (columns {headers}); import it as a staff list").format(
        headers=", ".join(found[:HEADERS_SHOWN]))
