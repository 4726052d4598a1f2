"""Files built to exhaust memory or time are refused before a parser reads them, naming the file and
the limit, with exit code 3 and nothing written."""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path

import pytest
from tests_support.hostile_files import (
    SHEET_HEAD,
    SHEET_TAIL,
    inline_cell,
    rows_xml,
    run_cli_limited,
    write_xlsx,
)

from kpidesk.cli import main
from kpidesk.errors import ValidationError
from kpidesk.exchange import limits
from kpidesk.exchange.grids import open_workbook
from kpidesk.exchange.readers import read_table

HEADER = [["工号", "姓名", "接通率"]]


def _one_huge_cell(size_mb: int):
    yield SHEET_HEAD + rows_xml(HEADER) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    block = b"a" * (1 << 20)
    for _ in range(size_mb):
        yield block
    yield b"</t></is></c></row>" + SHEET_TAIL


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """About 1 MB on disk, 210 MB once unpacked: one cell of letters."""
    return write_xlsx(tmp_path_factory.mktemp("bomb") / "bomb.xlsx", _one_huge_cell(210))


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limits are checked on Linux")
def test_a_zip_bomb_is_refused_under_a_memory_cap(bomb, cli_db):
    assert bomb.stat().st_size < 2 * limits.MB
    done = run_cli_limited(["--db", cli_db, "import", str(bomb), "--period", "2025-10"], 1536 * limits.MB)
    assert done.returncode == 3, done.stderr
    assert "bomb.xlsx" in done.stderr and "200 MB" in done.stderr and "xl/worksheets/sheet1.xml" in done.stderr
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="address-space limits are checked on Linux")
def test_a_cell_at_the_far_corner_is_refused_before_the_grid_is_allocated(tmp_path, cli_db):
    corner = write_xlsx(tmp_path / "corner.xlsx", [SHEET_HEAD, rows_xml(HEADER),
                        b'<row r="1048576">', inline_cell("XFD1048576", "x"), b"</row>", SHEET_TAIL])
    done = run_cli_limited(["--db", cli_db, "import", str(corner), "--period", "2025-10"], 1536 * limits.MB)
    assert done.returncode == 3, done.stderr
    assert "corner.xlsx" in done.stderr and "columns in a sheet (1,024)" in done.stderr


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path):
    long_cell = write_xlsx(tmp_path / "long.xlsx", _one_huge_cell(1))
    with pytest.raises(ValidationError, match="characters in one cell"):
        open_workbook(long_cell)


def test_rows_beyond_the_limit_are_refused(tmp_path):
    tall = write_xlsx(tmp_path / "tall.xlsx", [SHEET_HEAD, rows_xml(HEADER), rows_xml([["1"]], first_row=2_000_000),
                                             SHEET_TAIL])
    with pytest.raises(ValidationError, match="rows in a sheet"):
        open_workbook(tall)


def test_a_zip_directory_that_understates_a_part_is_caught(tmp_path):
    honest = write_xlsx(tmp_path / "honest.xlsx", [SHEET_HEAD, rows_xml(HEADER + [["E001", "张三", "90"]] * 200),
                                                   SHEET_TAIL])
    data = bytearray(honest.read_bytes())
    with zipfile.ZipFile(honest) as archive:
        real = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    claimed = (100).to_bytes(4, "little")
    # the sizes sit in the local header and in the central directory; both are rewritten
    data = bytes(data).replace(real.to_bytes(4, "little"), claimed)
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(data)
    with pytest.raises(ValidationError, match="damaged"):
        open_workbook(liar)


def test_a_csv_with_a_million_columns_is_refused_quickly(tmp_path, cli_db, capsys):
    wide = tmp_path / "wide.csv"
    wide.write_text("工号,姓名" + ",x" * 1_000_000 + "\nE001,张三\n", encoding="utf-8")
    started = time.monotonic()
    code = main(["--db", cli_db, "import", str(wide), "--period", "2025-10"])
    err = capsys.readouterr().err
    assert code == 3
    assert "wide.csv" in err and "columns in a sheet (1,024)" in err
    assert time.monotonic() - started < 20


def test_a_csv_cell_longer_than_excel_allows_is_refused(tmp_path):
    long_csv = tmp_path / "long.csv"
    long_csv.write_text("工号,姓名\nE001," + "长" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="characters in one cell"):
        open_workbook(long_csv)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_text("工号,姓名\nE001,张三\n", encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10)
    with pytest.raises(ValidationError, match="file size"):
        open_workbook(big)


def test_an_ordinary_hand_made_workbook_still_reads(tmp_path):
    table = read_table(write_xlsx(tmp_path / "ok.xlsx", [SHEET_HEAD, rows_xml(HEADER + [["E001", "张三", "90"]]),
                                                          SHEET_TAIL]), strict=False)
    assert list(table.frame.iloc[0]) == ["E001", "张三", "90"]


def test_a_legacy_xls_that_would_abort_the_reader_is_refused(cli_db, capsys):
    """A damaged .xls (a few bytes changed in a real one) that makes the reader request over a terabyte;
    reading it in this process would abort it."""
    damaged = Path(__file__).resolve().parent / "files" / "asks_for_a_terabyte.xls"
    code = main(["--db", cli_db, "import", str(damaged), "--kind", "staff"])
    err = capsys.readouterr().err
    assert code == 3
    assert "asks_for_a_terabyte.xls: the file is damaged or not a spreadsheet" in err


def test_a_valid_legacy_xls_still_reads():
    book = open_workbook(Path(__file__).resolve().parent.parent / "data" / "staff_oddities.xls")
    assert book.sheet_names and book.sheet(book.sheet_names[0]).rows


def test_a_corrupt_deflate_stream_is_a_damaged_file(tmp_path):
    honest = write_xlsx(tmp_path / "honest.xlsx", [SHEET_HEAD, rows_xml(HEADER * 300), SHEET_TAIL])
    data = bytearray(honest.read_bytes())
    with zipfile.ZipFile(honest) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start:start + 40] = bytes(range(40))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    with pytest.raises(ValidationError, match="damaged"):
        open_workbook(broken)


_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="S">'
    '<table:table-row><table:table-cell office:value-type="string"><text:p>工号</text:p></table:table-cell>'
    '</table:table-row><table:table-row table:number-rows-repeated="{rows}">'
    '<table:table-cell table:number-columns-repeated="{columns}" office:value-type="string"><text:p>x</text:p>'
    '</table:table-cell></table:table-row>'
    '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/>'
    '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
)

_ODS_MANIFEST = (
    '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def _ods(path: Path, rows: int, columns: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr("content.xml", _ODS_CONTENT.format(rows=rows, columns=columns))
    return path


@pytest.mark.parametrize("rows, columns, limit", [(10_000, 1_000, "cells in a sheet"),
                                                  (3, 2_000, "columns in a sheet")])
def test_repeated_ods_cells_count_as_often_as_they_repeat(tmp_path, rows, columns, limit):
    with pytest.raises(ValidationError, match=limit):
        open_workbook(_ods(tmp_path / "repeats.ods", rows, columns))


def test_the_empty_repeats_that_pad_every_ods_sheet_cost_nothing(tmp_path):
    book = open_workbook(_ods(tmp_path / "padded.ods", 3, 3))
    assert len(book.sheet("S").rows) == 4


def test_a_far_reference_written_with_an_unusual_separator_is_still_seen(tmp_path):
    odd = write_xlsx(tmp_path / "odd.xlsx", [SHEET_HEAD, rows_xml(HEADER),
                     b'<row\tr="2"><c\nr="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', SHEET_TAIL])
    with pytest.raises(ValidationError, match="columns in a sheet"):
        open_workbook(odd)


@pytest.mark.parametrize("stray, limit", [
    (b'<c r="XFD40000" t="inlineStr"><is><t>x</t></is></c>', "columns in a sheet"),
    (b'<c r="A1048577" t="inlineStr"><is><t>x</t></is></c>', "rows in a sheet"),
    (b'<c r="CV120000" t="inlineStr"><is><t>x</t></is></c>', "cells in a sheet"),  # 100 columns × 120,000 rows
])
def test_a_far_reference_hidden_mid_sheet_is_seen_though_the_sheet_ends_in_order(tmp_path, stray, limit):
    """The scan settles most chunks by the references at their end; one out of order in the middle of a
    long sheet (rows after it in order again) must still count."""
    body = [[f"E{r:05d}", "名字", "93%"] for r in range(60_000)]
    before, after = rows_xml(body[:30_000], first_row=2), rows_xml(body[30_000:], first_row=30_002)
    path = write_xlsx(tmp_path / "stray.xlsx", [SHEET_HEAD, rows_xml(HEADER), before,
                                                b'<row r="30001">' + stray + b"</row>", after, SHEET_TAIL])
    with pytest.raises(ValidationError, match=limit):
        limits.check_zip(path, "stray.xlsx")


def test_a_long_sheet_in_order_is_measured_exactly(tmp_path):
    """Rows × columns is what the readers allocate, so a sheet just under the cell limit passes."""
    rows, ten_columns = limits.MAX_CELLS // 10, [list("abcdefghij")] * 2_000
    path = write_xlsx(tmp_path / "long.xlsx", [SHEET_HEAD, rows_xml(ten_columns),
                                               b'<row r="%d">' % rows + inline_cell(f"J{rows}", "x") + b"</row>",
                                               SHEET_TAIL])
    limits.check_zip(path, "long.xlsx")
    too_far = write_xlsx(tmp_path / "far.xlsx", [SHEET_HEAD, rows_xml(ten_columns),
                                                 b'<row r="%d">' % (rows + 1) + inline_cell(f"J{rows + 1}", "x")
                                                 + b"</row>", SHEET_TAIL])
    with pytest.raises(ValidationError, match="cells in a sheet"):
        limits.check_zip(too_far, "far.xlsx")
