"""Every message the forms code can produce has a Chinese translation with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import kpidesk.domain.form_parsing
import kpidesk.domain.forms
import kpidesk.exchange.form_files
from kpidesk.resources import TRANSLATIONS_DIR

# call name → index of the positional argument that holds the message template
TEMPLATE_ARGUMENT = {"report": 1, "warn": 1, "FormProblem": 3, "ResponseIssue": 2}


def templates_in(module) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        index = TEMPLATE_ARGUMENT.get(name)
        if index is not None and len(node.args) > index:
            argument = node.args[index]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    return found


def test_every_template_is_translated():
    with (TRANSLATIONS_DIR / "zh_CN" / "forms.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh) if m.id}
    templates = set()
    for module in (kpidesk.domain.form_parsing, kpidesk.domain.forms, kpidesk.exchange.form_files):
        templates |= templates_in(module)
    assert len(templates) > 30
    missing = sorted(t for t in templates if not catalogue.get(t))
    assert missing == []
    for template in templates:
        assert set(re.findall(r"{\w+}", template)) == set(re.findall(r"{\w+}", catalogue[template])), template


def gettext_calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in ("_", "N_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_string_of_the_forms_services_and_commands_is_translated():
    from tests_support.repo import REPO_ROOT

    catalogue: dict[str, str] = {}
    for fragment in sorted((TRANSLATIONS_DIR / "zh_CN").glob("*.po")):
        with fragment.open("rb") as fh:
            catalogue.update({m.id: m.string for m in read_po(fh) if m.id and m.string})
    modules = [
        "kpidesk/services/forms/catalogue.py",
        "kpidesk/services/forms/responses.py",
        "kpidesk/services/forms/scores.py",
        "kpidesk/services/forms/sheets.py",
        "kpidesk/services/forms/sheet_import.py",
        "kpidesk/exchange/form_sheets.py",
        "kpidesk/cli/cmd_forms.py",
    ]
    strings = set().union(*(gettext_calls(REPO_ROOT / module) for module in modules))
    assert len(strings) > 60
    assert sorted(s for s in strings if s not in catalogue) == []
    for text in strings:
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", catalogue[text])), text


def test_forms_fragment_agrees_with_the_other_fragments():
    """One catalogue: a msgid translated here must not be translated differently elsewhere."""
    with (TRANSLATIONS_DIR / "zh_CN" / "forms.po").open("rb") as fh:
        mine = {m.id: m.string for m in read_po(fh) if m.id}
    for fragment in (TRANSLATIONS_DIR / "zh_CN").glob("*.po"):
        if fragment.name == "forms.po":
            continue
        with fragment.open("rb") as fh:
            theirs = {m.id: m.string for m in read_po(fh) if m.id and m.string}
        clashes = {
            key: (mine[key], theirs[key]) for key in mine.keys() & theirs.keys() if mine[key] != theirs[key]
        }
        assert clashes == {}, fragment.name
