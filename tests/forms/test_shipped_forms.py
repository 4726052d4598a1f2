"""Every form shipped in forms/ loads cleanly, is bilingual and is explained for the HR officer editing it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kpidesk.domain.forms import DEFAULT_SCALE, RaterRole
from kpidesk.exchange.form_files import form_files, load_forms
from kpidesk.resources import FORMS_DIR

EXPECTED = {
    "teamwork",
    "professional_skills",
    "innovation",
    "service_attitude",
    "customer_relationship",
    "customer_relations_manager",
    "customer_relations_specialist",
    "senior_customer_relations_manager",
    "personal_development",
    "customer_service_staff",
    "manager_stakeholder",
}
KEYS_EXPLAINED = [
    "id",
    "version",
    "title",
    "instructions",
    "raters",
    "comment_required",
    "min_peers",
    "[rater_weights]",
    "[[scale.levels]]",
    "points",
    "label",
    "[[criteria]]",
    "weight",
    "anchors",
    "description",
    "[[sections]]",
    "hint",
]


@pytest.fixture(scope="module")
def shipped():
    forms, problems = load_forms(FORMS_DIR)
    return {form.id: form for form in forms}, problems


def test_every_shipped_form_loads_without_any_problem(shipped):
    forms, problems = shipped
    assert [str(p) for p in problems] == []
    assert set(forms) == EXPECTED


def test_file_names_match_form_ids():
    assert {path.stem for path in form_files(FORMS_DIR)} == EXPECTED


def test_every_text_is_bilingual_and_every_level_anchored(shipped):
    forms, _ = shipped
    for form in forms.values():
        assert form.title.zh and form.title.en
        assert form.instructions.zh and form.instructions.en
        assert form.total_weight == 100
        for criterion in form.criteria:
            assert criterion.title.zh and criterion.title.en, (form.id, criterion.id)
            assert criterion.description.zh and criterion.description.en
            assert set(criterion.anchors) == set(form.scale.ids), (form.id, criterion.id)
            for anchor in criterion.anchors.values():
                assert anchor.zh and anchor.en
                assert re.search(r"[\u4e00-\u9fff]", anchor.zh)


# Forms copied from a handbook keep its own levels (客户关系经理: 优秀 / 良好 / 一般; 高级客户关系经理: … 合格 / 不合格).
HANDBOOK_SCALES = {"customer_relations_manager": ["excellent", "good", "fair"],
                   "senior_customer_relations_manager": ["excellent", "good", "pass", "fail"]}


def test_shipped_scale_is_the_default_one(shipped):
    forms, _ = shipped
    for form in forms.values():
        if form.id in HANDBOOK_SCALES:
            levels = HANDBOOK_SCALES[form.id]
            assert [level.id for level in form.scale.levels] == levels
            assert form.comment_levels(form.criteria[0].id) == {levels[0], levels[-1]}
            continue
        assert form.scale == DEFAULT_SCALE
        assert form.comment_levels(form.criteria[0].id) == {"excellent", "poor"}


def test_manager_form_uses_stakeholder_weights(shipped):
    form = shipped[0]["manager_stakeholder"]
    assert [(c.id, c.weight) for c in form.criteria] == [
        ("customer_satisfaction", Decimal(35)),
        ("communication_system", Decimal(25)),
        ("sales_orientation", Decimal(15)),
        ("pricing", Decimal(10)),
        ("team_management", Decimal(15)),
    ]
    assert RaterRole.PEER in form.raters and form.rater_weights[RaterRole.PEER] == 30


def test_combined_staff_form_covers_every_topic(shipped):
    form = shipped[0]["customer_service_staff"]
    assert {c.id for c in form.criteria} >= {
        "teamwork",
        "professional_skills",
        "innovation",
        "service_attitude",
        "communication",
        "customer_relationship",
        "complaint_handling",
        "personal_development",
    }
    assert [s.id for s in form.sections] == ["strengths", "improvements", "goals"]


def test_complaint_handling_anchors_follow_the_handbook(shipped):
    criterion = shipped[0]["customer_relationship"].criterion("complaint_handling")
    assert criterion.anchors["excellent"].zh == "快速高效地解决投诉，客户非常满意。"
    assert criterion.anchors["good"].en.startswith("Handles complaints effectively")
    assert "delayed" in criterion.anchors["fair"].en


@pytest.mark.parametrize("path", form_files(FORMS_DIR), ids=lambda p: p.name)
def test_each_file_starts_with_comments_explaining_every_key(path):
    text = path.read_text("utf-8")
    header = text.split("\nid = ", 1)[0]
    assert all(line.startswith("#") or not line.strip() for line in header.splitlines())
    for key in KEYS_EXPLAINED:
        assert key in header, key
    assert "评分等级" in header and "Rating levels" in header
    assert "kpidesk forms check" in header
