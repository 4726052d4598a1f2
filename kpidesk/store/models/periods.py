"""Periods and the appraisal of one employee in one period (with the department they had then)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import EnumText, JSONText, one_of


class PeriodRecord(Base):
    """A period as stored; ``code`` is the canonical spelling (``2025-03``, ``2025-Q1`` …)."""

    __tablename__ = "periods"
    __table_args__ = (CheckConstraint(one_of("status", PeriodStatus.stored()), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PeriodStatus] = mapped_column(EnumText(PeriodStatus, 12), default=PeriodStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalized_at: Mapped[datetime | None]
    finalized_by: Mapped[str | None] = mapped_column(String(80))

    @property
    def is_finalized(self) -> bool:
        return self.status == PeriodStatus.FINALIZED


class Appraisal(Base):
    """Who is appraised in a period, in which department/position and with which template version."""

    __tablename__ = "appraisals"
    __table_args__ = (UniqueConstraint("period_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="RESTRICT"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("templates.id", ondelete="RESTRICT"))
    flags: Mapped[list[str] | None] = mapped_column(JSONText)

    period: Mapped[PeriodRecord] = relationship()
    employee: Mapped[Any] = relationship("Employee")
    department: Mapped[Any] = relationship("Department")
    position: Mapped[Any] = relationship("Position")
    template: Mapped[Any] = relationship("Template")


class Appeal(Base):
    """An employee's acknowledgement or appeal (申诉) during review, with the manager's answer."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(12))  # acknowledge | appeal
    text: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
