"""Raw measurements per employee, period and field (or KPI entered directly), and their provenance."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import FixedDecimal


class Measurement(Base):
    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("employee_id", "period_id", "field_code"),
        Index("ix_measurements_period", "period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="RESTRICT"))
    field_code: Mapped[str] = mapped_column(String(60))  # a RawField.code or a Kpi.code
    value: Mapped[Decimal | None] = mapped_column(FixedDecimal(6))
    source_file: Mapped[str | None] = mapped_column(String(260))
    source_sheet: Mapped[str | None] = mapped_column(String(120))
    source_row: Mapped[int | None]
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic concurrency: the ORM adds "AND version = <read>" to every UPDATE and bumps it, so two
    # people saving the same cell cannot silently overwrite each other (StaleDataError instead).
    __mapper_args__ = {"version_id_col": version}
