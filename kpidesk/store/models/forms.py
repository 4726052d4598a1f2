"""Qualitative forms pinned by version, and the responses raters give."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.domain.statuses import ResponseStatus
from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import EnumText, JSONText, one_of


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
    """One rater's assessment of one employee on one form in one period."""

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
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    ratings: Mapped[list[FormRating]] = relationship(back_populates="response", cascade="all, delete-orphan")
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
