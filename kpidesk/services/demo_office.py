"""A large generated office (``kpidesk demo --size N``): N people in departments of teams, a year of raw
data for every field the demo's generators know, so speed can be measured on an office of realistic size.

Same seed, same office: the benches and anyone reproducing a figure get the same data. Periods go through the
services; staff are inserted in bulk, and the values (about 30 per person and month) are written with one bulk insert per month,
each month its own transaction (the import's bulk writer, the generator named as their source), since one ORM
object per value would take minutes for 5,000 people.
"""

from __future__ import annotations

import random
from typing import cast as typed

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.imported_values import ImportedValues, write_imported_values
from kpidesk.services.demo import GENERATORS, HEAD_POSITION, SEED, YEAR, Generator
from kpidesk.services.library import starter
from kpidesk.services.people import staff
from kpidesk.services.progress import ProgressCallback, report
from kpidesk.services.safety import audit, settings
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.gates import requires
from kpidesk.store import models as m
from kpidesk.store.db import Database
from kpidesk.store.models.base import utcnow

DEPARTMENT_SIZE = 500  # the department's head, then teams of TEAM_SIZE
TEAM_SIZE = 10  # a supervisor and nine people
SUPERVISOR = "客户关系主管"
#: the position of each slot in a team after its supervisor: mostly representatives, two complaint officers
TEAM_SLOTS = ("客服代表", "客服代表", "客服代表", "投诉专员", "客服代表", "客服代表", "客服代表", "投诉专员", "客服代表")
#: the order in which the other positions' generators fill the fields a person's own one does not produce
FILL_ORDER = (HEAD_POSITION, SUPERVISOR, "投诉专员", "客服代表")
MONTHS = 12


def office_position(number: int) -> tuple[int, int | None, str]:
    """(department index, team index or None for the head, position) of the ``number``-th person."""
    department, within = divmod(number, DEPARTMENT_SIZE)
    if within == 0:
        return department, None, HEAD_POSITION
    team, slot = divmod(within - 1, TEAM_SIZE)
    return department, team, SUPERVISOR if slot == 0 else TEAM_SLOTS[slot - 1]


def person_values(rng: random.Random, position: str, skill: float) -> dict[str, float]:
    """Every field the demo's generators know: the position's own figures first, the rest from the others,
    so each person has a value in each column of the office's grid."""
    values: dict[str, float] = {}
    generators: list[Generator] = [GENERATORS[position]] + [GENERATORS[p] for p in FILL_ORDER if p != position]
    for generator in generators:
        for code, value in generator(rng, skill).items():
            values.setdefault(code, value)
    return values


def office_field_codes() -> list[str]:
    """The fields each generated person has a value for, in a fixed order."""
    return list(person_values(random.Random(0), HEAD_POSITION, 0.5))


def _add_staff(session: Session, actor: Actor, size: int) -> list[tuple[int, str]]:
    """The departments (a head each), their teams (a supervisor each) and the people, inserted in bulk with
    one audit entry: one service call per person would take seconds per thousand."""
    positions = {name: staff.get_or_create_position(session, name).id for name in {HEAD_POSITION, SUPERVISOR, *TEAM_SLOTS}}
    departments: dict[int, m.Department] = {}
    teams: dict[tuple[int, int], m.Department] = {}
    placed = []  # staff no, position, department, the staff no of their manager
    for number in range(size):
        index, team, position = office_position(number)
        if index not in departments:
            departments[index] = staff.get_or_create_department(session, f"客服{index + 1}部")
        manager = f"E{index * DEPARTMENT_SIZE + 1:05d}" if team is not None else None
        department = departments[index]
        if team is not None:
            if (index, team) not in teams:
                teams[index, team] = staff.get_or_create_department(session, f"{department.name}{team + 1}组", department)
            department = teams[index, team]
            if position != SUPERVISOR:
                manager = f"E{index * DEPARTMENT_SIZE + 2 + team * TEAM_SIZE:05d}"
        placed.append((f"E{number + 1:05d}", position, department, manager))
    table = typed(Table, m.Employee.__table__)
    session.execute(insert(table), [
        {"staff_no": staff_no, "name": f"员工{staff_no[1:]}", "department_id": department.id,
         "position_id": positions[position], "active": True, "created_at": utcnow()}
        for staff_no, position, department, _manager in placed
    ])
    ids: dict[str, int] = {staff_no: id_ for staff_no, id_ in session.execute(select(table.c.staff_no, table.c.id))}
    session.execute(update(table).where(table.c.id == bindparam("person")).values(manager_id=bindparam("manager")), [
        {"person": ids[staff_no], "manager": ids[manager]} for staff_no, _p, _d, manager in placed if manager
    ])
    for staff_no, position, department, _manager in placed:
        if position in (HEAD_POSITION, SUPERVISOR):
            department.head_id = ids[staff_no]
    session.flush()
    audit.record(session, actor, "employee.add", entity="employee", entity_id=f"E00001…E{size:05d}",
                 new={"employees": size})
    return [(ids[staff_no], position) for staff_no, position, _d, _m in placed]


def _month_values(people: list[tuple[int, str]], profiles: list[tuple[float, float]], rng: random.Random,
                  month: int, period_id: int) -> ImportedValues:
    """One month's values of everyone, as the bulk writer takes them (values × 10⁶)."""
    values = ImportedValues([], [], [], [], [])
    for row, ((employee_id, position), (skill, drift)) in enumerate(zip(people, profiles, strict=True), start=1):
        level = min(1.0, max(0.0, skill + drift * month))
        if rng.random() < 0.04:  # an occasional bad month
            level = max(0.0, level - 0.35)
        for code, value in person_values(rng, position, level).items():
            values.employee_ids.append(employee_id)
            values.field_codes.append(code)
            values.scaled_values.append(round(value * 1_000_000))
            values.source_rows.append(row)
    values.period_ids.extend([period_id] * len(values.employee_ids))
    return values


@requires(Permission.LIBRARY_WRITE)
def build_office(db: Database, actor: Actor, size: int, progress: ProgressCallback | None = None) -> dict[str, int]:
    """Fill an empty database with a generated office of ``size`` people and a year of raw data."""
    from kpidesk.services.appraisal.periods import open_period
    from kpidesk.services.safety.database import has_data, info

    if size < 1:
        raise ValidationError(_("The office needs at least one person."))
    if has_data(db):
        raise ValidationError(_("The database already holds data; the demo needs an empty database."))
    require(actor, Permission.DATA_WRITE)
    steps = size + MONTHS * size
    rng = random.Random(SEED + size)
    with db.write() as session:
        report(progress, 0, steps, _("Staff"))
        starter.install_starter(session, actor, "customer-service")
        settings.update_settings(session, actor, name="示例客服中心")
        people = _add_staff(session, actor, size)
    report(progress, size, steps, _("Periods and data"))
    profiles = [(rng.uniform(0.2, 1.0), rng.uniform(-0.012, 0.015)) for _person in people]
    source, checksum = f"kpidesk demo --size {size}", f"{SEED}-{size}"
    for month in range(MONTHS):
        with db.write() as session:
            record = open_period(session, actor, f"{YEAR}-{month + 1:02d}")
            values = _month_values(people, profiles, rng, month, record.id)
            counts = write_imported_values(session, actor, values, file=source, sheet=None, checksum=checksum,
                                           chunk_rows=len(values))
            audit.record_import(session, actor, kind="demo", file=source, checksum=checksum, counts=counts,
                                period=record.code)
        report(progress, size + (month + 1) * size, steps, _("Periods and data"))
    return info(db)["counts"]
