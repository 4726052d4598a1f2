"""Appraisal templates per position, versioned: a finalized period keeps the version it used."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import FixedDecimal, JSONText


class Template(Base):
    """One version of a template. ``key`` names the template across its versions."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="RESTRICT"))
    quantitative_share: Mapped[Decimal] = mapped_column(FixedDecimal(4), default=Decimal(70))
    qualitative_share: Mapped[Decimal] = mapped_column(FixedDecimal(4), default=Decimal(30))
    missing_policy: Mapped[str] = mapped_column(String(12), default="exclude")  # exclude | zero
    two_thirds_rule: Mapped[bool] = mapped_column(default=False)
    score_min: Mapped[Decimal] = mapped_column(FixedDecimal(4), default=Decimal(0))
    score_max: Mapped[Decimal] = mapped_column(FixedDecimal(4), default=Decimal(120))
    grade_scale_id: Mapped[int | None] = mapped_column(ForeignKey("grade_scales.id", ondelete="RESTRICT"))
    rater_weights: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))

    items: Mapped[list["TemplateItem"]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="TemplateItem.sort_order"
    )
    forms: Mapped[list["TemplateForm"]] = relationship(back_populates="template", cascade="all, delete-orphan")
    position: Mapped[Any] = relationship("Position")


class TemplateItem(Base):
    __tablename__ = "template_items"
    __table_args__ = (UniqueConstraint("template_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id", ondelete="RESTRICT"))
    sort_order: Mapped[int] = mapped_column(default=0)
    weight: Mapped[Decimal] = mapped_column(FixedDecimal(4))
    baseline: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    target: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    challenge: Mapped[Decimal | None] = mapped_column(FixedDecimal(4))
    rule: Mapped[str] = mapped_column(String(20), default="three_level")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    note: Mapped[str | None] = mapped_column(Text)

    template: Mapped[Template] = relationship(back_populates="items")
    kpi: Mapped[Any] = relationship("Kpi")


class TemplateForm(Base):
    """A qualitative form attached to a template, pinned to the form version, with its share."""

    __tablename__ = "template_forms"
    __table_args__ = (UniqueConstraint("template_id", "form_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id", ondelete="RESTRICT"))
    share: Mapped[Decimal] = mapped_column(FixedDecimal(4), default=Decimal(100))

    template: Mapped[Template] = relationship(back_populates="forms")
    form_version: Mapped[Any] = relationship("FormVersion")
