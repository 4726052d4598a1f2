"""The line finder behind form messages: every key path maps to the line it is written on."""

from __future__ import annotations

import textwrap
import tomllib

from kpidesk.domain.toml_lines import key_lines, line_of

DOCUMENT = textwrap.dedent(
    '''\
    # a comment
    id = "x"
    title.zh = "表"

    notes = """
    id = "not a key"
    [not.a.table]
    """
    raters = [
        "self",  # first
        "manager",
    ]

    [rater_weights]
    manager = 70

    [[criteria]]
    id = "a"
    anchors.good.zh = "好"

    [[criteria]]
    "quoted key" = 1
    anchors = { good = "g" }

      [criteria.extra]
      deep = true

    [[criteria.levels]]
    id = "inner"
    '''
)


def test_document_is_valid_toml():
    tomllib.loads(DOCUMENT)


def test_keys_map_to_their_lines():
    lines = key_lines(DOCUMENT)
    assert lines[("id",)] == 2
    assert lines[("title", "zh")] == 3
    assert lines[("notes",)] == 5
    assert lines[("raters",)] == 9
    assert lines[("rater_weights", "manager")] == 15


def test_multiline_strings_and_arrays_hide_their_contents():
    lines = key_lines(DOCUMENT)
    assert ("not", "a", "table") not in lines
    assert lines[("id",)] == 2


def test_array_elements_get_their_own_line():
    lines = key_lines(DOCUMENT)
    assert lines[("raters", 0)] == 10
    assert lines[("raters", 1)] == 11


def test_array_of_tables_entries_are_indexed():
    lines = key_lines(DOCUMENT)
    assert lines[("criteria",)] == 17
    assert lines[("criteria", 0)] == 17
    assert lines[("criteria", 0, "id")] == 18
    assert lines[("criteria", 0, "anchors", "good", "zh")] == 19
    assert lines[("criteria", 1)] == 21
    assert lines[("criteria", 1, "quoted key")] == 22
    assert lines[("criteria", 1, "extra", "deep")] == 26
    assert lines[("criteria", 1, "levels", 0, "id")] == 29


def test_line_of_falls_back_to_the_first_key_below_then_to_the_parent():
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("criteria", 0, "anchors")) == 19
    assert line_of(lines, ("criteria", 1, "anchors", "good", "zh")) == 23
    assert line_of(lines, ("criteria", 5)) == 17
    assert line_of(lines, ("nowhere",)) is None
