"""Malformed form files give exact messages naming the file, the key path and the line."""

from __future__ import annotations

import textwrap

from kpidesk.domain.form_parsing import Severity, format_path, parse_form


def rendered(text: str, file: str = "forms/bad.toml") -> list[str]:
    return [p.render() for p in parse_form(text, file)[1]]


def test_key_paths_count_entries_from_one():
    assert format_path(("criteria", 1, "anchors", "superb")) == "criteria[2].anchors.superb"
    assert format_path(()) == ""


def test_minimal_form_loads_without_problems(minimal_form_text):
    form, problems = parse_form(minimal_form_text)
    assert problems == []
    assert form is not None and form.id == "mini" and form.version == 2


def test_unknown_level_in_an_anchor(minimal_form_text):
    text = minimal_form_text.replace(
        'anchors.fair = { zh = "一般", en = "so-so" }\nanchors.poor = { zh = "差", en = "bad" }\n\n',
        'anchors.fair = { zh = "一般", en = "so-so" }\nanchors.poor = { zh = "差", en = "bad" }\n'
        'anchors.superb = { zh = "超", en = "super" }\n\n',
        1,
    )
    form, problems = parse_form(text, "forms/bad.toml")
    assert form is None
    assert [p.render() for p in problems] == [
        'forms/bad.toml:15: criteria[1].anchors.superb: unknown level "superb"; '
        "the levels are excellent, good, fair, poor"
    ]


def test_unknown_level_in_the_second_criterion_names_its_line(minimal_form_text):
    text = minimal_form_text.replace(
        'en = "B"\nanchors.excellent',
        'en = "B"\nanchors.superb = { zh = "超", en = "super" }\nanchors.excellent',
    )
    assert rendered(text) == [
        'forms/bad.toml:21: criteria[2].anchors.superb: unknown level "superb"; '
        "the levels are excellent, good, fair, poor"
    ]


def test_weights_not_summing_to_100_show_the_sum(minimal_form_text):
    text = minimal_form_text.replace("weight = 40", "weight = 35.5")
    assert rendered(text) == ["forms/bad.toml:6: criteria: the criteria weights add up to 95.5, not 100"]


def test_duplicate_criterion_id_points_at_both_lines(minimal_form_text):
    text = minimal_form_text.replace('id = "b"', 'id = "a"')
    assert rendered(text) == ['forms/bad.toml:17: criteria[2].id: duplicate id "a" (first used at line 7)']


def test_duplicate_level_id_and_points():
    text = textwrap.dedent(
        """\
        id = "x"
        version = 1
        title = { zh = "表", en = "Form" }
        [[scale.levels]]
        id = "yes"
        points = 100
        label = { zh = "是", en = "Yes" }
        [[scale.levels]]
        id = "yes"
        points = 100
        label = { zh = "是", en = "Yes" }
        [[criteria]]
        id = "a"
        weight = 100
        title = { zh = "甲", en = "A" }
        anchors.yes = { zh = "是", en = "yes" }
        """
    )
    assert rendered(text) == [
        'forms/bad.toml:9: scale.levels[2].id: duplicate id "yes" (first used at line 5)',
        "forms/bad.toml:10: scale.levels[2].points: two levels have the same points (100)",
    ]


def test_missing_translation_falls_back_with_a_warning(minimal_form_text):
    text = minimal_form_text.replace('title.en = "Mini form"\n', "").replace(
        'anchors.good = { zh = "好", en = "good" }', 'anchors.good = { en = "good" }', 1
    )
    form, problems = parse_form(text, "forms/bad.toml")
    assert form is not None
    assert form.title.pick("en") == "小表"
    assert form.criterion("a").anchors["good"].pick("zh") == "good"
    assert [p.severity for p in problems] == [Severity.WARNING, Severity.WARNING]
    assert [p.render() for p in problems] == [
        "warning: forms/bad.toml:3: title: missing English text; the Chinese text is used",
        "warning: forms/bad.toml:11: criteria[1].anchors.good: missing Chinese text; the English text is used",
    ]


def test_plain_text_is_taken_as_chinese_or_english_by_its_script(minimal_form_text):
    text = minimal_form_text.replace('title.zh = "小表"\ntitle.en = "Mini form"', 'title = "Mini form"')
    form, problems = parse_form(text)
    assert form is not None and form.title.en == "Mini form" and form.title.zh == ""
    assert [p.message() for p in problems] == ["missing Chinese text; the English text is used"]


def test_unknown_key_is_a_warning_that_names_it(minimal_form_text):
    text = minimal_form_text.replace("weight = 60", "weight = 60\nwieght = 60")
    form, problems = parse_form(text, "forms/bad.toml")
    assert form is not None
    assert [p.render() for p in problems] == [
        "warning: forms/bad.toml:9: criteria[1].wieght: unknown key, ignored"
    ]


def test_missing_required_keys(minimal_form_text):
    text = minimal_form_text.replace('id = "mini"\nversion = 2\n', "")
    assert rendered(text) == [
        "forms/bad.toml: id: missing; this key is required",
        "forms/bad.toml: version: missing; this key is required",
    ]


def test_wrong_types_and_values(minimal_form_text):
    text = minimal_form_text.replace("version = 2", "version = 1.5").replace("weight = 40", 'weight = "40"')
    assert rendered(text) == [
        "forms/bad.toml:2: version: must be a whole number",
        "forms/bad.toml:18: criteria[2].weight: must be a number",
    ]


def test_zero_weight_is_refused(minimal_form_text):
    text = minimal_form_text.replace("weight = 40", "weight = 0").replace("weight = 60", "weight = 100")
    assert rendered(text) == ["forms/bad.toml:18: criteria[2].weight: must be greater than 0"]


def test_unknown_rater_and_rater_weight(minimal_form_text):
    text = minimal_form_text.replace(
        'title.en = "Mini form"\n',
        'title.en = "Mini form"\nraters = ["self", "boss"]\n[rater_weights]\nboss = 10\n',
    )
    assert rendered(text) == [
        'forms/bad.toml:5: raters[2]: unknown rater "boss"; use self, manager, peer or hr',
        'forms/bad.toml:7: rater_weights.boss: unknown rater "boss"; use self, manager, peer or hr',
    ]


def test_comment_rule_with_an_unknown_level(minimal_form_text):
    text = minimal_form_text.replace('title.en = "A"', 'title.en = "A"\ncomment_required = ["poor", "awful"]')
    assert rendered(text) == [
        'forms/bad.toml:11: criteria[1].comment_required[2]: unknown level "awful"; '
        "the levels are excellent, good, fair, poor"
    ]


def test_no_criteria():
    text = 'id = "x"\nversion = 1\ntitle = { zh = "表", en = "Form" }\n'
    assert rendered(text) == [
        "forms/bad.toml: criteria: the form has no criteria; add at least one [[criteria]]"
    ]


def test_invalid_toml_reports_the_parser_line():
    text = 'id = "x"\nversion = 1\ntitle = "unterminated\n'
    form, problems = parse_form(text, "forms/bad.toml")
    assert form is None
    assert len(problems) == 1
    assert problems[0].line == 3
    assert problems[0].render().startswith("forms/bad.toml:3: this is not valid TOML: ")


def test_missing_anchor_is_a_warning(minimal_form_text):
    text = minimal_form_text.replace('anchors.fair = { zh = "一般", en = "so-so" }\n', "", 1)
    form, problems = parse_form(text, "forms/bad.toml")
    assert form is not None
    assert [p.render() for p in problems] == [
        'warning: forms/bad.toml:11: criteria[1].anchors: no anchor for level "fair"'
    ]


def test_messages_are_translated_when_rendered(minimal_form_text):
    text = minimal_form_text.replace("weight = 40", "weight = 30")
    problem = parse_form(text, "f.toml")[1][0]
    catalogue = {"the criteria weights add up to {total}, not 100": "指标权重合计为 {total}，而不是 100"}
    assert problem.message(lambda s: catalogue.get(s, s)) == "指标权重合计为 90，而不是 100"
