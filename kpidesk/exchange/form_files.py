"""Reading the form files HR keeps in ``forms/`` (one TOML file per form).

The parsing and checking are in ``kpidesk.domain.form_parsing``; this module only finds the files and
turns their bytes into text, so that an unreadable file is a problem in the list, not a crash.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from kpidesk.domain.form_parsing import FormProblem, Severity, parse_form, parse_forms
from kpidesk.domain.forms import Form

FORM_SUFFIX = ".toml"


def _decode(data: bytes, name: str) -> tuple[str | None, list[FormProblem]]:
    """UTF-8 (with or without the BOM Notepad writes); GBK is read too, with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, [FormProblem(name, "", None, "the file is not text saved as UTF-8")]
    warning = FormProblem(
        name,
        "",
        None,
        "the file is saved as GBK; it was read, but save it as UTF-8",
        severity=Severity.WARNING,
    )
    return text, [warning]


def _read(path: Path) -> tuple[str | None, list[FormProblem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [
            FormProblem(
                str(path),
                "",
                None,
                "cannot read the file: {reason}",
                {"reason": error.strerror or str(error)},
            )
        ]
    return _decode(data, str(path))


def form_files(directory: Path) -> list[Path]:
    """The form files of a folder, in name order (files starting with ``.`` or ``~`` are editor leftovers)."""
    return sorted(
        path
        for path in Path(directory).glob(f"*{FORM_SUFFIX}")
        if path.is_file() and not path.name.startswith((".", "~"))
    )


def load_form_file(path: Path) -> tuple[Form | None, list[FormProblem]]:
    """One form file, read and checked; the form is None when it has errors."""
    text, problems = _read(Path(path))
    if text is None:
        return None, problems
    form, found = parse_form(text, str(path))
    return form, problems + found


def load_forms(directory: Path) -> tuple[list[Form], list[FormProblem]]:
    """Every form of a folder; files with errors (and ids used twice) are left out and reported."""
    directory = Path(directory)
    if not directory.is_dir():
        return [], [FormProblem(str(directory), "", None, "the forms folder does not exist")]
    sources: list[tuple[str, str]] = []
    problems: list[FormProblem] = []
    for path in form_files(directory):
        text, found = _read(path)
        problems.extend(found)
        if text is not None:
            sources.append((str(path), text))
    forms, found = parse_forms(sources)
    return forms, problems + found
