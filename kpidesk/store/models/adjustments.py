"""Bonus/penalty points, exemptions and grading waivers: each needs a reason and an author."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import FixedDecimal


class Adjustment(Base):
    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    points: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Exemption(Base):
    __tablename__ = "exemptions"
    __table_args__ = (UniqueConstraint("period_id", "employee_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    automatic: Mapped[bool] = mapped_column(default=False)
    # an exemption that lasts (leave, a new joiner's ramp-up) carries into the periods that start by this date
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GradingWaiver(Base):
    """HR's decision to grade and rank one person in one period although their result rests on less of the
    template than the organisation's minimum coverage to grade."""

    __tablename__ = "grading_waivers"
    __table_args__ = (UniqueConstraint("period_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
