"""What finalization stores: the snapshot (hashed) and one result row per appraisal, plus sign-offs."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import CanonicalJSONText, FixedDecimal, JSONText


class Snapshot(Base):
    """Everything a finalized period's sheets are printed from, with a content hash of it all."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    content: Mapped[dict[str, Any]] = mapped_column(CanonicalJSONText)  # its text is what content_hash covers
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))
    superseded: Mapped[bool] = mapped_column(default=False)  # set when the period is reopened


class Result(Base):
    """A finalized result per employee and period, kept as rows for history queries and charts."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("period_id", "employee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    quantitative: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    qualitative: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    adjustments: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    total: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    grade_code: Mapped[str | None] = mapped_column(String(40))
    grade_computed: Mapped[str | None] = mapped_column(String(40))
    rank_department: Mapped[int | None]
    rank_organisation: Mapped[int | None]
    flags: Mapped[list[str] | None] = mapped_column(JSONText)


class SignOff(Base):
    """That a sheet was signed on paper, by whom and when (the signature itself stays on paper)."""

    __tablename__ = "signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(12))  # employee | manager | hr
    signed_by: Mapped[str] = mapped_column(String(120))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(80))
