"""Malformed files thrown at restore: each either restores a sound database (keeping the replaced one) or
fails with a clear message and leaves the database exactly as it was."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kpidesk.errors import KpiDeskError
from kpidesk.services.actor import Actor
from kpidesk.services.safety import backup
from kpidesk.store import sqlite as sq
from kpidesk.store.db import open_database


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A database and a good backup of it, made once; each example works on copies."""
    from kpidesk.services.actor import Actor
    from kpidesk.services.people import staff

    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "kpidesk.db"
    db = open_database(path)
    with db.write() as session:
        dep = staff.get_or_create_department(session, "客服部")
        for n in range(40):
            staff.add_employee(session, Actor("hr"), staff_no=f"E{n:03}", name=f"员工{n}", department_id=dep.id)
    good = backup.backup_before(db, "manual")
    db.dispose()
    return path, good


mutations = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0.0, 0.999)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.floats(0, 0.999), st.integers(1, 255)), min_size=1, max_size=20)),
    st.tuples(st.just("zero_page"), st.integers(1, 40)),
    st.tuples(st.just("random"), st.binary(max_size=5000)),
    st.tuples(st.just("append"), st.binary(min_size=1, max_size=3000)),
)

ADMIN = Actor("admin")  # an administrator: every right, audited by name


def mutate(data: bytes, mutation) -> bytes:
    kind, arg = mutation
    if kind == "truncate":
        return data[: int(len(data) * arg)]
    if kind == "flip":
        out = bytearray(data)
        for where, mask in arg:
            out[int(where * len(out))] ^= mask
        return bytes(out)
    if kind == "zero_page":
        size = int.from_bytes(data[16:18], "big")
        out = bytearray(data)
        start = (arg - 1) * size % len(out)
        out[start: start + size] = bytes(min(size, len(out) - start))
        return bytes(out)
    if kind == "random":
        return arg
    return data + arg


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=mutations)
@example(mutation=("flip", [(0.9364918215090259, 128)]))  # a flipped byte in the schema table's names
def test_restore_of_malformed_files(pristine, mutation):
    path, good = pristine
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        target = work / "kpidesk.db"
        shutil.copyfile(path, target)
        before = target.read_bytes()
        bad = work / "candidate.db"
        bad.write_bytes(mutate(good.read_bytes(), mutation))
        candidate_bytes = bad.read_bytes()
        try:
            result = backup.restore(target, bad, actor=ADMIN)
        except KpiDeskError as exc:
            assert str(exc).strip() and "Traceback" not in str(exc)
            assert target.read_bytes() == before
            assert not list((work / "backups").glob("*")) if (work / "backups").exists() else True
        else:
            assert sq.check_file(target).ok
            assert result.replaced_copy is not None and sq.check_file(result.replaced_copy).ok
        assert bad.read_bytes() == candidate_bytes  # the user's file is only read
