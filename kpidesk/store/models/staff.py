"""Departments (a tree), positions, employees and their moves.

Appraisal history never hangs off an employee's *current* department: each appraisal records the
department and position the person had in that period, and leaving only marks the employee inactive.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpidesk.store.models.base import Base, utcnow
from kpidesk.store.types import FixedDecimal


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL", use_alter=True)
    )

    parent: Mapped["Department | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Department"]] = relationship(back_populates="parent")
    head: Mapped["Employee | None"] = relationship(foreign_keys=[head_id], post_update=True)

    def top_level(self) -> "Department":
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class Position(Base):
    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(120))


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="RESTRICT"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", ondelete="SET NULL"))
    hire_date: Mapped[date | None] = mapped_column(Date)
    leave_date: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    base_pay: Mapped[Decimal | None] = mapped_column(FixedDecimal(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    position: Mapped[Position | None] = relationship()
    manager: Mapped["Employee | None"] = relationship(remote_side=[id])


class EmployeeMove(Base):
    """A transfer between departments or positions, kept so past appraisals stay as they were."""

    __tablename__ = "employee_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="RESTRICT"))
    moved_on: Mapped[date] = mapped_column(Date)
    from_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    to_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    from_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="RESTRICT"))
    to_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id", ondelete="RESTRICT"))
    reason: Mapped[str | None] = mapped_column(String(500))
