"""The KPI library and the raw fields that formulas and imports refer to."""

from decimal import Decimal

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kpidesk.store.models.base import Base
from kpidesk.store.types import FixedDecimal


class Kpi(Base):
    __tablename__ = "kpis"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)  # short ASCII id, e.g. "fcr"
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    definition: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20))  # kpidesk.domain.units.Unit
    direction: Mapped[str] = mapped_column(String(10))  # kpidesk.domain.units.Direction
    formula: Mapped[str | None] = mapped_column(Text)  # over raw fields; None = entered directly
    baseline: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    challenge: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    perspective: Mapped[str | None] = mapped_column(String(20))  # kpidesk.domain.units.Perspective
    category: Mapped[str | None] = mapped_column(String(40))
    data_source: Mapped[str | None] = mapped_column(String(120))
    period_kind: Mapped[str] = mapped_column(String(10), default="month")
    aggregation: Mapped[str] = mapped_column(String(12), default="recompute")  # mean|sum|last|recompute
    active: Mapped[bool] = mapped_column(default=True)


class RawField(Base):
    """A raw measurement that data comes in as (e.g. ``contacts``), referred to by KPI formulas."""

    __tablename__ = "raw_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(20))
    aggregation: Mapped[str] = mapped_column(String(12), default="sum")
    aliases: Mapped[str | None] = mapped_column(Text)  # extra header spellings, one per line
