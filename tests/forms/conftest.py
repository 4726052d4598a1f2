"""Small form texts for the forms tests."""

from __future__ import annotations

import textwrap

import pytest

from kpidesk.domain.form_parsing import parse_form
from kpidesk.domain.forms import Form

MINIMAL_FORM = textwrap.dedent(
    """\
    id = "mini"
    version = 2
    title.zh = "小表"
    title.en = "Mini form"

    [[criteria]]
    id = "a"
    weight = 60
    title.zh = "甲"
    title.en = "A"
    anchors.excellent = { zh = "很好", en = "very good" }
    anchors.good = { zh = "好", en = "good" }
    anchors.fair = { zh = "一般", en = "so-so" }
    anchors.poor = { zh = "差", en = "bad" }

    [[criteria]]
    id = "b"
    weight = 40
    title.zh = "乙"
    title.en = "B"
    anchors.excellent = { zh = "很好", en = "very good" }
    anchors.good = { zh = "好", en = "good" }
    anchors.fair = { zh = "一般", en = "so-so" }
    anchors.poor = { zh = "差", en = "bad" }
    """
)


def _load_text(text: str, file: str = "mini.toml") -> Form:
    form, problems = parse_form(text, file)
    assert form is not None, [str(p) for p in problems]
    return form


@pytest.fixture
def minimal_form_text() -> str:
    """A valid two-criterion form (weights 60/40) on the default scale."""
    return MINIMAL_FORM


@pytest.fixture
def load_text():
    """Parse a form text and fail the test when it does not load."""
    return _load_text


@pytest.fixture
def mini_form() -> Form:
    return _load_text(MINIMAL_FORM)


@pytest.fixture(scope="session")
def shared_mini_form() -> Form:
    """The same form for hypothesis tests (forms are immutable, so sharing is safe)."""
    return _load_text(MINIMAL_FORM)
