"""Pay rules (versioned by the period they take effect), budgets, hand-granted bonuses and frozen payrolls."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import FixedDecimal, JSONText


class PayRuleVersion(Base):
    __tablename__ = "pay_rule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[str] = mapped_column(String(10), unique=True)  # period code, e.g. 2025-01
    starts_on: Mapped[date] = mapped_column(Date, unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSONText)
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))


class PayBudget(Base):
    """A period's performance-pay budget for a department (NULL department: the whole organisation)."""

    __tablename__ = "pay_budgets"
    __table_args__ = (UniqueConstraint("period_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(FixedDecimal(2))
    measure: Mapped[str] = mapped_column(String(12), default="total")  # total | performance | variable


class PayBonus(Base):
    """A bonus granted by hand, with its reason."""

    __tablename__ = "pay_bonuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(FixedDecimal(2))
    reason: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayRun(Base):
    """The payroll of a finalized period, frozen from its snapshot and hashed like it."""

    __tablename__ = "pay_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="RESTRICT"))
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("pay_rule_versions.id", ondelete="RESTRICT"))
    content: Mapped[dict[str, Any]] = mapped_column(JSONText)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))
    superseded: Mapped[bool] = mapped_column(default=False)
