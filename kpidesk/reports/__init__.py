"""Printable PDF documents (reportlab platypus): appraisal sheets, department summaries, year sheets.

Built from the plain data in :mod:`kpidesk.reports.sheet_data`; every font embedded. Names are
resolved lazily so importing the data classes does not load reportlab.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "render_documents": "kpidesk.reports.document",
    "render_sheets": "kpidesk.reports.document",
    "render_sheet": "kpidesk.reports.document",
    "render_summary": "kpidesk.reports.document",
    "render_year_sheet": "kpidesk.reports.document",
    "render_split": "kpidesk.reports.document",
    "document_file_name": "kpidesk.reports.document",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kpidesk.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
