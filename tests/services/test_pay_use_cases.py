"""The pay use cases the window and the command line call (one unit of work each, as the actor given),
and the one wording of whether pay is final."""

from dataclasses import replace
from decimal import Decimal

import pytest
from tests_support.pay_office import MONTHS, RULES, build_office, put

from kpidesk.errors import PermissionDenied
from kpidesk.i18n import set_language
from kpidesk.services.actor import Actor, Role
from kpidesk.services.appraisal import periods
from kpidesk.services.closing import finalize as closing
from kpidesk.services.pay import use_cases as pay
from kpidesk.services.pay.status_words import pay_status_text

D = Decimal
HEAD = Actor(name="head", role=Role.HEAD)


@pytest.fixture
def office(db, actor):
    ids = build_office(db, actor)
    put(db, actor, MONTHS[0], {ids["E1"]: {"qa": 97, "sales": 55000}, ids["E2"]: {"qa": 88, "sales": 35000}})
    for no, amount in (("E1", "8000"), ("E2", "6000")):
        pay.set_base_pay(db, actor, no, amount)
    pay.save_rules(db, actor, MONTHS[0], RULES, "handbook rules")
    return ids


def test_the_overview_shows_the_budget_to_those_who_see_pay(office, db, actor):
    pay.set_budget(db, actor, MONTHS[0], "50000", None, None)
    full = pay.pay_overview(db, actor, MONTHS[0])
    assert full.budgets.organisation == D("50000.00") and full.check is not None and full.rules is not None
    assert not full.view.redacted
    with pytest.raises(PermissionDenied):
        pay.set_budget(db, HEAD, MONTHS[0], "1", None, None)


def test_bonus_base_pay_and_rules_are_written_as_the_actor(office, db, actor):
    bonus = pay.grant_bonus(db, actor, MONTHS[0], "E1", "500", "活动奖励")
    assert bonus.amount == D("500.00")
    assert pay.rule_book(db, actor).versions
    with pytest.raises(PermissionDenied):
        pay.grant_bonus(db, HEAD, MONTHS[0], "E1", "500", "x")
    with pytest.raises(PermissionDenied):
        pay.set_base_pay(db, HEAD, "E1", "1")
    with pytest.raises(PermissionDenied):
        pay.rule_book(db, Actor(name="auditor", role=Role.AUDITOR))


def test_what_if_and_the_editor_data(office, db, actor):
    pay.set_budget(db, actor, MONTHS[0], "50000", None, None)
    budgets = pay.pay_overview(db, actor, MONTHS[0]).budgets
    result, check = pay.what_if(db, actor, MONTHS[0], RULES, budgets)
    assert result.after.totals.total == check.overall.amount
    data = pay.rules_editor_data(db, actor, "improvement_plan")
    assert MONTHS[0] in data.periods and data.book.versions
    with pytest.raises(PermissionDenied):
        pay.rules_editor_data(db, Actor(name="auditor", role=Role.AUDITOR), "improvement_plan")


def test_the_status_text_uses_words_not_codes(office, db, actor):
    try:
        draft = pay_status_text(pay.pay_overview(db, actor, MONTHS[0]).view)
        assert draft.startswith("Draft:") and " is open;" in draft
        set_language("zh")
        assert "open" not in pay_status_text(pay.pay_overview(db, actor, MONTHS[0]).view)
        set_language("en")
        with db.write() as session:
            periods.start_review(session, actor, MONTHS[0])
        assert " is in review;" in pay_status_text(pay.pay_overview(db, actor, MONTHS[0]).view)
        with db.write() as session:
            closing.finalize_period(session, actor, MONTHS[0])
        frozen = pay.pay_overview(db, actor, MONTHS[0]).view  # finalizing froze the pay
        assert pay_status_text(frozen).startswith(f"Final: frozen on {frozen.frozen_at} by {actor.name}")
        assert pay_status_text(replace(frozen, source="computed")).startswith("Finalized;")
    finally:
        set_language("en")  # as every test starts
