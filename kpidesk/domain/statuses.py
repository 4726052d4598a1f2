"""The states a period and a form response go through, named once so a typo cannot silently mean "no"."""

from __future__ import annotations

from enum import StrEnum


class PeriodStatus(StrEnum):
    """A period is open for data, then in review (employees see results), then finalized (frozen)."""

    OPEN = "open"
    REVIEW = "review"
    FINALIZED = "finalized"
    NOT_OPENED = "not_opened"  # never stored: a quarter or year computed from its months without a record

    @classmethod
    def stored(cls) -> tuple[PeriodStatus, ...]:
        """The states a period row may hold (the database refuses the others)."""
        return (cls.OPEN, cls.REVIEW, cls.FINALIZED)


class ResponseStatus(StrEnum):
    """A rater's form is a draft until it is submitted; only submitted responses count towards scores."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
