"""The e-commerce customer-service starter library, from the handbook's e-commerce rules (002)."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.domain.periods import parse_period
from kpidesk.services.library.starter import available_starters, install_starter
from kpidesk.services.pay.storage import rule_book
from kpidesk.store import models as m


@pytest.fixture
def ecommerce_db(db, actor):
    with db.write() as session:
        install_starter(session, actor, "ecommerce-service")
    return db


def test_both_starter_libraries_are_offered():
    assert {"customer-service", "ecommerce-service"} <= set(available_starters())


# 002 e-commerce rules: inquiry conversion, average order value, response time, reply rate and unanswered
# customers, sales without freight; every formula reads a field the library defines.
def test_ecommerce_library_holds_the_e_commerce_kpis(ecommerce_db):
    with ecommerce_db.session() as session:
        kpis = {k.code: k for k in session.execute(select(m.Kpi)).scalars()}
        fields = set(session.execute(select(m.RawField.code)).scalars())
        template = session.execute(select(m.Template).where(m.Template.key == "ecommerce_csr")).scalar_one()
        items = {item.kpi.code: (item.weight, item.rule) for item in template.items}
        position = template.position.name
    assert {"inquiry_conversion", "avg_order_value", "first_response_time", "reply_rate", "unanswered",
            "sales_amount"} <= set(kpis)
    used = {name for k in kpis.values() if k.formula for name in re.findall(r"[A-Za-z_]\w*", k.formula)}
    assert used <= fields
    assert position == "电商客服"
    assert sum(weight for weight, _rule in items.values()) == 100
    assert items["unanswered"][1] == "occurrence"


# 002 pay section: base × KPI %, the tiered commission on sales, meal allowance.
def test_ecommerce_library_installs_the_handbook_pay(ecommerce_db):
    with ecommerce_db.session() as session:
        rules = rule_book(session).in_force(parse_period("2026-05"))
    assert rules.commission is not None and rules.commission.compute(Decimal(40000)).amount == Decimal("400.00")
    assert [a.code for a in rules.allowances] == ["meal"]
    assert rules.coefficient.source == "score"


def test_a_database_records_the_starter_library_and_version_it_was_made_from(ecommerce_db):
    from kpidesk.services.safety.settings import load_settings

    with ecommerce_db.session() as session:
        settings = load_settings(session)
    assert (settings.starter_library, settings.starter_version) == ("ecommerce-service", 2)
