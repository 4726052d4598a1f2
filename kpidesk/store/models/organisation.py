"""Organisation-wide settings and grade scales: they travel with the database file."""

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.store.models.base import Base
from kpidesk.store.types import FixedDecimal, JSONText


class Setting(Base):
    """One organisation setting (name, logo, default shares, rater weights …) as a JSON value."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText, nullable=True)


class GradeScale(Base):
    __tablename__ = "grade_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    is_default: Mapped[bool] = mapped_column(default=False)

    bands: Mapped[list["GradeBand"]] = relationship(
        back_populates="scale", cascade="all, delete-orphan", order_by="GradeBand.lower_bound.desc()"
    )


class GradeBand(Base):
    """A grade with its inclusive lower bound on the rounded total."""

    __tablename__ = "grade_bands"
    __table_args__ = (UniqueConstraint("scale_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("grade_scales.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    label_zh: Mapped[str] = mapped_column(String(40))
    label_en: Mapped[str] = mapped_column(String(40))
    lower_bound: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    colour: Mapped[str | None] = mapped_column(String(9))

    scale: Mapped[GradeScale] = relationship(back_populates="bands")
