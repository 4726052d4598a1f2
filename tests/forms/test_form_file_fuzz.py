"""Damaged form files give problems, never exceptions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kpidesk.domain.form_parsing import parse_form
from kpidesk.resources import FORMS_DIR

SHIPPED = (FORMS_DIR / "teamwork.toml").read_text("utf-8")
LINES = SHIPPED.splitlines()


def check(text: str) -> None:
    form, problems = parse_form(text, "fuzz.toml")
    if form is None:
        assert any(p.is_error for p in problems)
    for problem in problems:
        assert problem.render()
        assert problem.line is None or 1 <= problem.line <= max(1, len(text.splitlines()))


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=400))
def test_any_text(text):
    check(text)


@settings(deadline=None, max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["drop", "duplicate", "swap", "replace"]),
            st.integers(0, len(LINES) - 1),
            st.integers(0, len(LINES) - 1),
            st.sampled_from(
                [
                    "= 1",
                    '= "x"',
                    "= [1, {a = 2}]",
                    "[criteria]",
                    "[[scale.levels]]",
                    "= true",
                    'anchors.superb = "s"',
                    "weight = -5",
                    "id = 7",
                    'raters = "self"',
                    "=",
                    '"""',
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_edited_shipped_form(edits):
    lines = list(LINES)
    for action, first, second, snippet in edits:
        first, second = first % len(lines), second % len(lines)
        if action == "drop":
            del lines[first]
        elif action == "duplicate":
            lines.insert(first, lines[second])
        elif action == "swap":
            lines[first], lines[second] = lines[second], lines[first]
        else:
            key = lines[first].split("=", 1)[0].strip()
            lines[first] = f"{key} {snippet}" if snippet.startswith("=") else snippet
        if not lines:
            lines = [""]
    check("\n".join(lines))
