"""Shipped appraisal forms checked against the handbooks' position forms (criteria, weights, levels)."""

from decimal import Decimal

import pytest

from kpidesk.exchange.form_files import load_forms
from kpidesk.resources import FORMS_DIR


@pytest.fixture(scope="module")
def forms():
    loaded, problems = load_forms(FORMS_DIR)
    assert problems == []
    return {form.id: form for form in loaded}


# 002 (客户关系经理岗位绩效考核表): four areas — relationships, sales achievement, complaints, teamwork —
# each rated 优秀 / 良好 / 一般. The handbook gives no weights, so the four share 100 equally.
def test_customer_relations_manager_has_four_criteria_on_three_levels(forms):
    form = forms["customer_relations_manager"]
    assert [(c.id, c.weight) for c in form.criteria] == [
        ("external_relationships", Decimal(25)),
        ("sales_achievement", Decimal(25)),
        ("complaints_and_problems", Decimal(25)),
        ("teamwork_and_sharing", Decimal(25)),
    ]
    assert [level.label.zh for level in form.scale.levels] == ["优秀", "良好", "一般"]
    assert form.criterion("sales_achievement").title.zh == "销售业绩达成"
    assert all(set(c.anchors) == {"excellent", "good", "fair"} for c in form.criteria)


# 002 (客户关系专家 KPI form): six criteria weighted 35 / 10 / 30 / 10 / 5 / 10.
def test_customer_relations_specialist_has_the_six_handbook_weights(forms):
    form = forms["customer_relations_specialist"]
    assert [(c.id, c.weight) for c in form.criteria] == [
        ("timely_information", Decimal(35)),
        ("better_exchange", Decimal(10)),
        ("exchange_problems", Decimal(30)),
        ("public_image", Decimal(10)),
        ("informing_decision_makers", Decimal(5)),
        ("management_information", Decimal(10)),
    ]


# 002 (高级客户关系经理 form): five areas — satisfaction, sales, teamwork, knowledge, innovation — rated
# 优秀 / 良好 / 合格 / 不合格.
def test_senior_customer_relations_manager_has_five_areas_and_pass_fail_levels(forms):
    form = forms["senior_customer_relations_manager"]
    assert [c.id for c in form.criteria] == [
        "customer_satisfaction", "sales_results", "team_cooperation", "expertise", "innovation_improvement"]
    assert sum(c.weight for c in form.criteria) == 100
    assert [level.label.zh for level in form.scale.levels] == ["优秀", "良好", "合格", "不合格"]


# 002 (客户服务管理 KPI form): weights 35 / 25 / 15 / 10, with measurable standards — 90–95 % of systems
# set up on time and of requests answered within 2–4 hours, 2–6 sales and 2–3 converted leads a quarter,
# at most 2–4 customer conflicts a year — written into the level descriptions.
def test_service_management_form_carries_the_measurable_standards(forms):
    form = forms["manager_stakeholder"]
    weights = {c.id: c.weight for c in form.criteria}
    assert [weights[k] for k in ("customer_satisfaction", "communication_system", "sales_orientation", "pricing")] \
        == [35, 25, 15, 10]
    good = {c.id: c.anchors["good"].zh for c in form.criteria}
    assert "90%–95%" in good["communication_system"] and "2–4 小时" in good["communication_system"]
    assert "2–6 笔" in good["sales_orientation"] and "2–3 个" in good["sales_orientation"]
    assert "2–4 次" in good["pricing"]


# 002 (forms for 客户关系专家 and 高级客户关系经理): each form appraises a position of its own, so the
# starter library has a template per position with that form as its qualitative part (30 % of the total).
@pytest.mark.parametrize(("key", "position", "form_key"), [
    ("specialist", "客户关系专家", "customer_relations_specialist"),
    ("senior_manager", "高级客户关系经理", "senior_customer_relations_manager"),
])
def test_each_handbook_form_has_a_template_for_its_position(starter_db, key, position, form_key):
    from sqlalchemy import select

    from kpidesk.store import models as m

    with starter_db.session() as session:
        template = session.execute(select(m.Template).where(m.Template.key == key)).scalar_one()
        assert template.position.name == position
        assert [attached.form_version.form_key for attached in template.forms] == [form_key]
        assert sum(item.weight for item in template.items) == 100
        assert (template.quantitative_share, template.qualitative_share) == (Decimal(70), Decimal(30))
        codes = [item.kpi.code for item in template.items]
    # the senior manager's form rates sales results, so the template carries the sales KPI
    assert ("sales_amount" in codes) == (key == "senior_manager")
    assert "csat" in codes
