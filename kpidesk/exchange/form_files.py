"""Reading the form files (one TOML file per form): the bundled forms and the office's own folder.

The parsing and checking are in ``kpidesk.domain.form_parsing``; this module only finds the files and
turns their bytes into text, so that an unreadable file is a problem in the list, not a crash.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kpidesk.domain.form_parsing import FormProblem, Severity, parse_form
from kpidesk.domain.forms import Form
from kpidesk.domain.toml_lines import key_lines, line_of

FORM_SUFFIX = ".toml"
BUNDLED, USER = "bundled", "user"


@dataclass(frozen=True)
class FormEntry:
    """A form of the catalogue, with the folder it came from (BUNDLED or USER) and its file."""

    form: Form
    source: str
    path: Path


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
    found, problems = load_forms_with_files(directory)
    return [form for form, _path in found], problems


def load_forms_with_files(directory: Path) -> tuple[list[tuple[Form, Path]], list[FormProblem]]:
    """:func:`load_forms` keeping the file each form was read from."""
    directory = Path(directory)
    if not directory.is_dir():
        return [], [FormProblem(str(directory), "", None, "the forms folder does not exist")]
    parsed: list[tuple[Form, Path, str]] = []
    problems: list[FormProblem] = []
    for path in form_files(directory):
        text, found = _read(path)
        problems.extend(found)
        if text is None:
            continue
        form, found = parse_form(text, str(path))
        problems.extend(found)
        if form is not None:
            parsed.append((form, path, text))
    files_by_id: dict[str, list[str]] = {}
    for form, path, _text in parsed:
        files_by_id.setdefault(form.id, []).append(str(path))
    forms = []
    for form, path, text in parsed:
        others = [f for f in files_by_id[form.id] if f != str(path)]
        if not others:
            forms.append((form, path))
            continue
        problems.append(FormProblem(str(path), "id", line_of(key_lines(text), ("id",)),
                                    'form id "{id}" is also used by {others}',
                                    {"id": form.id, "others": ", ".join(others)}))
    return forms, problems


def load_catalogue(folders: Sequence[tuple[str, Path]]) -> tuple[dict[str, FormEntry], list[FormProblem]]:
    """The forms of several folders, each given with its source; a later folder's form replaces an earlier
    one with the same id. A broken file is reported and left out while the rest load. Only the first
    folder must exist: the office's own folder is empty until someone adds a form."""
    entries: dict[str, FormEntry] = {}
    problems: list[FormProblem] = []
    for index, (source, folder) in enumerate(folders):
        if index and not Path(folder).is_dir():
            continue
        found, folder_problems = load_forms_with_files(folder)
        problems.extend(folder_problems)
        for form, path in found:
            entries[form.id] = FormEntry(form, source, path)
    return entries, problems
