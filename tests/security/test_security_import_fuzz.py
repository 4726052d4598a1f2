"""Every importer fed random bytes, damaged workbooks and odd CSV shapes answers with one clear line and
exit code 1 or 3, never a traceback, and leaves the database as it was. Example counts are fixed so the
run stays within a few tens of seconds."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support.hostile_files import SHEET_HEAD, SHEET_TAIL, rows_xml, write_xlsx

from kpidesk.cli import main
from kpidesk.store import models as m
from kpidesk.store.db import open_database

DATA = Path(__file__).resolve().parent.parent / "data"
KINDS = ("data", "staff", "kpis", "forms")
FUZZ = settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "k.db"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["--db", str(path), "init", "--starter", "customer-service"]) == 0
        assert main(["--db", str(path), "import", str(DATA / "staff_list.xlsx"), "--kind", "staff"]) == 0
    db = open_database(path)
    with db.write() as session:
        session.add(m.PeriodRecord(code="2025-10", kind="month", starts_on=dt.date(2025, 10, 1),
                                   ends_on=dt.date(2025, 10, 31), status="open"))
    db.dispose()
    return path


def _digest(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


def _import_refused(db: Path, file: Path, kind: str) -> None:
    before = _digest(db)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), "import", str(file), "--kind", kind, "--period", "2025-10"])
    text = err.getvalue()
    assert code in (1, 3), text
    assert "Traceback" not in text and "unexpected error" not in text, text
    assert _digest(db) == before


def _unimportable_xlsx(path: Path) -> bytes:
    """A well-formed workbook that no importer accepts (no known column), so that any damage to it must
    still end in a refusal rather than in a partial import."""
    write_xlsx(path, [SHEET_HEAD, rows_xml([["甲乙", "丙丁", "戊己"], ["x1", "y1", "462"], ["x2", "y2", "7"]]),
                      SHEET_TAIL])
    return path.read_bytes()


@FUZZ
@given(data=st.binary(max_size=4096), kind=st.sampled_from(KINDS),
       suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".csv"]))
def test_random_bytes(fuzz_db, tmp_path_factory, data, kind, suffix):
    file = tmp_path_factory.mktemp("bytes") / f"random{suffix}"
    file.write_bytes(data)
    _import_refused(fuzz_db, file, kind)


@FUZZ
@given(part=st.sampled_from(["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                             "xl/worksheets/sheet1.xml"]),
       junk=st.binary(max_size=512), keep=st.integers(min_value=0, max_value=400), kind=st.sampled_from(KINDS))
def test_random_xlsx_parts(fuzz_db, tmp_path_factory, part, junk, keep, kind):
    """One part of a small workbook replaced by its first ``keep`` bytes plus random bytes."""
    folder = tmp_path_factory.mktemp("parts")
    original = zipfile.ZipFile(io.BytesIO(_unimportable_xlsx(folder / "valid.xlsx")))
    file = folder / "damaged.xlsx"
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            content = original.read(info)
            archive.writestr(info.filename, content[:keep] + junk if info.filename == part else content)
    _import_refused(fuzz_db, file, kind)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=2000), kind=st.sampled_from(KINDS))
def test_truncated_workbooks(fuzz_db, tmp_path_factory, cut, kind):
    folder = tmp_path_factory.mktemp("cut")
    data = _unimportable_xlsx(folder / "valid.xlsx")
    file = folder / "cut.xlsx"
    file.write_bytes(data[: min(cut, len(data) - 1)])
    _import_refused(fuzz_db, file, kind)


# cells that never spell a known header, so that no random file is a valid import
_CELL = st.text(alphabet=st.sampled_from(list("0123456789.-+=@\"'\t ;|,\r\n\x07\x1b\x00é中")), max_size=8)


@FUZZ
@given(rows=st.lists(st.lists(_CELL, max_size=12), max_size=12), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]), kind=st.sampled_from(KINDS))
def test_random_csv_shapes(fuzz_db, tmp_path_factory, rows, delimiter, encoding, kind):
    text = "\n".join(delimiter.join(row) for row in rows)
    file = tmp_path_factory.mktemp("csv") / "shape.csv"
    file.write_bytes(text.encode(encoding, errors="replace"))
    _import_refused(fuzz_db, file, kind)
