"""Organisation settings: one typed value with defaults, checks in the user's words, and a round trip
through the ``Setting`` rows (each change audited)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from sqlalchemy import select

from kpidesk.domain.eligibility import MIN_DAYS
from kpidesk.domain.grades import ForcedDistribution, GradeConsequence
from kpidesk.domain.streaks import StreakRule
from kpidesk.errors import ValidationError
from kpidesk.services.safety.settings import (
    SETTING_FIELDS,
    OrganisationSettings,
    load_settings,
    save_settings,
    update_settings,
)
from kpidesk.store import models as m

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_an_empty_database_gives_the_defaults(db):
    with db.session() as session:
        settings = load_settings(session)
    assert settings == OrganisationSettings()
    assert (settings.quantitative_share, settings.qualitative_share) == (70, 30)
    assert settings.rater_weights == {"manager": 70, "self": 30, "peer": 0, "hr": 0}
    assert (settings.keep_daily, settings.keep_monthly, settings.min_days_active) == (14, 12, MIN_DAYS)
    assert settings.forced_distribution is None and settings.streak_rules is None and not settings.rank_sum_ratio


def test_every_field_names_its_own_stored_row():
    keys = [f.metadata["key"] for f in SETTING_FIELDS.values()]
    assert len(keys) == len(set(keys))
    assert {"organisation_name", "organisation_logo", "backup_keep_daily", "streak_rules"} <= set(keys)


@pytest.mark.parametrize(("changes", "message"), [
    ({"quantitative_share": 60}, "shares sum to 90%; they must sum to 100%"),
    ({"rater_weights": {"manager": 50, "self": 30}}, "rater weights sum to 80%"),
    ({"keep_daily": 0}, "Keep at least one daily backup"),
    ({"logo": b"GIF89a"}, "must be a PNG or JPEG"),
    ({"logo": PNG + b"\0" * 600_000}, "larger than 512 KB"),
    ({"min_days_active": 0}, "at least 0 days; choose between 1 and 366"),
    ({"streak_rules": (StreakRule("steady", "good", 0),)}, "streak rule steady needs"),
])
def test_broken_settings_are_refused_with_a_clear_message(changes, message):
    with pytest.raises(ValidationError, match=message):
        replace(OrganisationSettings(), **changes).check()


def test_a_check_limited_to_some_fields_ignores_the_others():
    broken = replace(OrganisationSettings(), quantitative_share=10)
    broken.check(["min_days_active"])
    with pytest.raises(ValidationError):
        broken.check(["qualitative_share"])


def test_every_setting_round_trips_through_the_database(db, actor):
    wanted = OrganisationSettings(
        name="客服中心", logo=PNG, quantitative_share=60, qualitative_share=40,
        rater_weights={"manager": 50, "self": 20, "peer": 20, "hr": 10}, keep_daily=7, keep_monthly=3,
        min_days_active=10, forced_distribution=ForcedDistribution((("excellent", 30.0), ("good", 70.0)), "organisation"),
        rank_sum_ratio=True, min_coverage_to_grade=75, streak_rules=(StreakRule("steady", "good", 2), StreakRule("top", "excellent", 3, 1)),
        document_language="zh_CN", starter_library="customer-service", starter_version=2,
        grade_consequences=(GradeConsequence("excellent", "无", "组长"), GradeConsequence("poor", "很强", "见习")),
    )
    with db.write() as session:
        written = save_settings(session, actor, wanted)
    assert len(written) == len(SETTING_FIELDS)
    with db.session() as session:
        assert load_settings(session) == wanted
        audited = session.execute(select(m.AuditEntry.entity_id).where(m.AuditEntry.action == "setting.change")).scalars()
        assert sorted(audited) == sorted(written)
    with db.write() as session:
        assert save_settings(session, actor, wanted) == []  # nothing changed, nothing written


def test_an_update_writes_only_what_changed_and_checks_it(db, actor):
    with db.write() as session:
        assert update_settings(session, actor, min_days_active=15) == []  # the default needs no row
        assert update_settings(session, actor, min_days_active=10) == ["min_days_active"]
        with pytest.raises(ValidationError, match="must sum to 100"):
            update_settings(session, actor, rater_weights={"manager": 10})
        with pytest.raises(ValueError, match="no such organisation setting: colour"):
            update_settings(session, actor, colour="red")
    with db.session() as session:
        assert load_settings(session).min_days_active == 10


def test_an_unreadable_stored_value_falls_back_to_its_default(db, caplog):
    with db.write() as session:
        session.add(m.Setting(key="backup_keep_daily", value="many"))
        session.add(m.Setting(key="forced_distribution", value={"quotas": [["excellent", 30]]}))
    with db.session() as session:
        settings = load_settings(session)
    assert settings.keep_daily == 14 and settings.forced_distribution is None
    assert "backup_keep_daily" in caplog.text and "forced_distribution" in caplog.text


def test_every_settings_message_is_translated_with_its_placeholders():
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    import kpidesk
    from kpidesk.i18n import _, set_language

    path = Path(kpidesk.__file__).parent / "services/safety/settings.py"
    messages = [found[1] for found in extract_from_file("python", path, keywords={"_": None})]
    assert len(messages) >= 7
    set_language("zh_CN")
    try:
        for message in messages:
            assert _(message) != message, message
            assert sorted(re.findall(r"{\w+}", _(message))) == sorted(re.findall(r"{\w+}", message)), message
    finally:
        set_language("en")
