"""Qualitative forms pinned by version, and the responses raters give."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.domain.statuses import ResponseStatus
from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import EnumText, JSONText, one_of

#: The largest id drawn: the widest integer every supported database holds, less one so that a server's id
#: sequence can still be set past the largest id after a copy.
RANDOM_ID_MAX = 2**31 - 2


def random_row_id() -> int:
    """An id that says nothing about when its row was written. Every row of responses, ratings and who has
    answered gets one: a counted id (or SQLite's "largest plus one") would line rows up in time, so a draft
    numbered right after an anonymous answer would tell whose the answer is."""
    return 1 + secrets.randbelow(RANDOM_ID_MAX)


class FormVersion(Base):
    """A copy of a form file as it was when a template first used it; never edited afterwards."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("form_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSONText)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FormResponse(Base):
    """One rater's assessment of one employee on one form in one period.

    Ids are random (``random_row_id``); a submitted anonymous answer keeps no rater and no time (see
    ``AnsweredRater``)."""

    __tablename__ = "form_responses"
    __table_args__ = (CheckConstraint(one_of("status", ResponseStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id", ondelete="RESTRICT"))
    rater_role: Mapped[str] = mapped_column(String(10))  # self | manager | peer | hr
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ResponseStatus] = mapped_column(EnumText(ResponseStatus, 10), default=ResponseStatus.DRAFT)
    texts: Mapped[dict[str, str] | None] = mapped_column(JSONText)  # strengths, improve, goals
    updated_at: Mapped[datetime | None]  # set on every save; None on a submitted anonymous answer
    submitted_at: Mapped[datetime | None]

    ratings: Mapped[list["FormRating"]] = relationship(back_populates="response", cascade="all, delete-orphan")
    form_version: Mapped[FormVersion] = relationship()


class FormRating(Base):
    __tablename__ = "form_ratings"
    __table_args__ = (UniqueConstraint("response_id", "criterion_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("form_responses.id", ondelete="CASCADE"))
    criterion_key: Mapped[str] = mapped_column(String(80))
    level_key: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)

    response: Mapped[FormResponse] = relationship(back_populates="ratings")


class AnsweredRater(Base):
    """Who has submitted an anonymous answer for whom: enough to refuse a second answer and to chase the
    missing ones. Nothing here points to the answer: no response id, no time, and a random id."""

    __tablename__ = "form_answered_raters"
    __table_args__ = (UniqueConstraint("period_id", "employee_id", "form_version_id", "rater_role", "rater_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id", ondelete="RESTRICT"))
    rater_role: Mapped[str] = mapped_column(String(10))
    rater_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
