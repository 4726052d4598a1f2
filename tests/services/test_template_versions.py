"""Template service: weights and shares checked on save, versions kept, duplicates, KPI library edits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from kpidesk.domain.formulas import FormulaError
from kpidesk.errors import ValidationError
from kpidesk.services.library import kpis, templates
from kpidesk.store import models as m


def _first_template(db):
    with db.session() as session:
        summary = templates.list_templates(session)[0]
        return templates.template_detail(session, summary.id)


def test_weights_must_sum_to_100_and_the_message_gives_the_sum(starter_db, actor):
    detail = _first_template(starter_db)
    data = detail.as_input()
    first = data.items[0]
    short = replace(data, items=(replace(first, weight=first.weight - 5), *data.items[1:]))
    with pytest.raises(ValidationError, match="95%"), starter_db.write() as session:
        templates.save_template_version(session, actor, detail.id, short)
    with starter_db.session() as session:
        assert templates.template_detail(session, detail.id).is_current  # nothing was written


def test_saving_creates_a_new_version_and_keeps_the_old(starter_db, actor):
    detail = _first_template(starter_db)
    data = detail.as_input()
    a, b = data.items[0], data.items[1]
    changed = replace(data, items=(replace(a, weight=a.weight + 5), replace(b, weight=b.weight - 5), *data.items[2:]))
    with starter_db.write() as session:
        new_id = templates.save_template_version(session, actor, detail.id, changed)
    with starter_db.session() as session:
        old, new = templates.template_detail(session, detail.id), templates.template_detail(session, new_id)
        current = [t for t in templates.list_templates(session) if t.key == detail.key]
    assert (old.version, new.version) == (1, 2) and new.versions == (1, 2)
    assert not old.is_current and new.is_current and [t.id for t in current] == [new_id]
    assert new.items[0].weight == a.weight + 5 and old.items[0].weight == a.weight
    assert [f.form_version_id for f in new.forms] == [f.form_version_id for f in old.forms]


def test_qualitative_share_needs_a_form_and_shares_sum_to_100(starter_db, actor):
    data = _first_template(starter_db).as_input()
    with pytest.raises(ValidationError, match="no form"), starter_db.session() as session:
        templates.validate_template(session, replace(data, forms=()))
    with pytest.raises(ValidationError, match="110%"), starter_db.session() as session:
        templates.validate_template(session, replace(data, quantitative_share=Decimal(80)))


def test_a_broken_rule_is_refused_with_the_kpi_named(starter_db, actor):
    data = _first_template(starter_db).as_input()
    item = replace(data.items[0], rule="deduction", params={})
    with pytest.raises(ValidationError, match="points"), starter_db.session() as session:
        templates.validate_template(session, replace(data, items=(item, *data.items[1:])))


def test_duplicate_has_a_new_key_and_no_position(starter_db, actor):
    detail = _first_template(starter_db)
    with starter_db.write() as session:
        copy_id = templates.duplicate_template(session, actor, detail.id)
    with starter_db.session() as session:
        copy = templates.template_detail(session, copy_id)
    assert copy.key != detail.key and copy.position_id is None and copy.version == 1
    assert [i.weight for i in copy.items] == [i.weight for i in detail.items]


def test_a_second_current_template_for_one_position_is_refused(starter_db, actor):
    detail = _first_template(starter_db)
    with pytest.raises(ValidationError, match="already has"), starter_db.write() as session:
        templates.create_template(session, actor, detail.as_input())


def test_kpi_formula_is_checked_against_known_fields(starter_db, actor):
    data = kpis.KpiInput(code="callback_rate", name_zh="回访率", name_en="Callback rate",
                         formula="callbacks_done / callbacks_plan * 100")
    with pytest.raises(ValidationError, match="callbacks_plan"), starter_db.write() as session:
        kpis.save_kpi(session, actor, data)
    with pytest.raises(FormulaError) as caught, starter_db.write() as session:
        kpis.save_kpi(session, actor, replace(data, formula="callbacks_done / * 100"))
    assert caught.value.position == 17
    with starter_db.write() as session:
        kpi_id = kpis.save_kpi(session, actor, replace(data, formula="callbacks_done / callbacks_planned * 100"))
    with starter_db.session() as session:
        stored = session.get(m.Kpi, kpi_id)
        assert stored.aggregation == "recompute" and stored.name_en == "Callback rate"
        assert session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "kpi.add")).scalar() is not None
