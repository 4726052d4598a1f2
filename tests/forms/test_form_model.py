"""The form model: the scale as the one source of points, the comment rule, response checks, pinned copies."""

from __future__ import annotations

import json
from decimal import Decimal

from kpidesk.domain.forms import (
    DEFAULT_SCALE,
    Form,
    RaterRole,
    check_response,
    form_fingerprint,
    form_from_dict,
    form_to_dict,
)


def test_default_scale_points():
    assert [(level.id, level.points) for level in DEFAULT_SCALE.levels] == [
        ("excellent", 100),
        ("good", 85),
        ("fair", 70),
        ("poor", 50),
    ]
    assert DEFAULT_SCALE.highest.id == "excellent" and DEFAULT_SCALE.lowest.id == "poor"


def test_points_come_from_the_forms_own_scale(load_text, minimal_form_text):
    text = minimal_form_text.replace(
        'title.en = "Mini form"\n',
        'title.en = "Mini form"\n'
        '[[scale.levels]]\nid = "fair"\npoints = 60\nlabel = { zh = "一般", en = "Fair" }\n'
        '[[scale.levels]]\nid = "excellent"\npoints = 95.5\nlabel = { zh = "优秀", en = "Excellent" }\n'
        '[[scale.levels]]\nid = "good"\npoints = 80\nlabel = { zh = "良好", en = "Good" }\n'
        '[[scale.levels]]\nid = "poor"\npoints = 0\nlabel = { zh = "差", en = "Poor" }\n',
    )
    form = load_text(text)
    assert form.scale.ids == ("excellent", "good", "fair", "poor")
    assert form.scale.points("excellent") == Decimal("95.5")
    assert form.scale.points("poor") == 0


def test_find_level_by_id_label_or_points():
    scale = DEFAULT_SCALE
    assert scale.find_level("优秀").id == "excellent"
    assert scale.find_level(" GOOD ").id == "good"
    assert scale.find_level("fair").id == "fair"
    assert scale.find_level("差").id == "poor"
    assert scale.find_level(85).id == "good"
    assert scale.find_level("70").id == "fair"
    assert scale.find_level(50.0).id == "poor"
    assert scale.find_level("８５").id == "good"  # full-width digits from a Chinese keyboard
    assert scale.find_level(90) is None
    assert scale.find_level("superb") is None
    assert scale.find_level("") is None
    assert scale.find_level(None) is None
    assert scale.find_level(True) is None


def test_comment_required_defaults_to_highest_and_lowest(mini_form: Form):
    assert mini_form.requires_comment("a", "excellent")
    assert mini_form.requires_comment("a", "poor")
    assert not mini_form.requires_comment("a", "good")
    assert not mini_form.requires_comment("a", "fair")


def test_comment_rule_per_form_and_per_criterion(load_text, minimal_form_text):
    text = minimal_form_text.replace(
        'title.en = "Mini form"', 'title.en = "Mini form"\ncomment_required = "always"'
    )
    text = text.replace('title.en = "B"', 'title.en = "B"\ncomment_required = "never"')
    form = load_text(text)
    assert all(form.requires_comment("a", level) for level in form.scale.ids)
    assert not any(form.requires_comment("b", level) for level in form.scale.ids)
    listed = load_text(
        minimal_form_text.replace('title.en = "A"', 'title.en = "A"\ncomment_required = ["fair"]')
    )
    assert listed.comment_levels("a") == {"fair"}
    assert listed.comment_levels("b") == {"excellent", "poor"}


def test_check_response_for_submission(mini_form: Form):
    issues = check_response(mini_form, {"a": "excellent", "b": None}, {"a": "  "})
    assert [(i.criterion_id, i.code) for i in issues] == [("a", "comment_required"), ("b", "not_rated")]
    assert issues[0].message() == '"a" rated "excellent" needs a comment'
    assert check_response(mini_form, {"a": "excellent", "b": "good"}, {"a": "Led the handover project"}) == []


def test_check_response_for_a_draft_only_refuses_unknown_things(mini_form: Form):
    issues = check_response(mini_form, {"a": "excellent", "c": "good", "b": "superb"}, {}, complete=False)
    assert [(i.criterion_id, i.code) for i in issues] == [("c", "unknown_criterion"), ("b", "unknown_level")]


def test_dict_round_trip_keeps_everything(mini_form: Form):
    copy = form_from_dict(json.loads(json.dumps(form_to_dict(mini_form))))
    assert copy == mini_form
    assert form_fingerprint(copy) == form_fingerprint(mini_form)


def test_fingerprint_changes_with_content_not_layout(load_text, minimal_form_text, mini_form):
    relaid = load_text("# a comment\n" + minimal_form_text.replace("weight = 60", "weight    =   60"))
    assert form_fingerprint(relaid) == form_fingerprint(mini_form)
    changed = load_text(minimal_form_text.replace('en = "bad"', 'en = "really bad"', 1))
    assert form_fingerprint(changed) != form_fingerprint(mini_form)


def test_rater_defaults(mini_form: Form):
    assert mini_form.raters == (RaterRole.SELF, RaterRole.MANAGER)
    assert mini_form.rater_weights[RaterRole.MANAGER] == 70
    assert mini_form.rater_weights[RaterRole.SELF] == 30
    assert mini_form.rater_weights[RaterRole.PEER] == 0
    assert mini_form.min_peers == 3
