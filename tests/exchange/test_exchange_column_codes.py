"""A reader hashes the cells of each column once and keeps the codes with the table (``SheetTable.codes``):
they must describe the frame exactly, whichever way the sheet was read, and the distinct cells found from
them must be those found by hashing the cells again."""

import csv
import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kpidesk.exchange import grids
from kpidesk.exchange import values as v
from kpidesk.exchange.non_data_rows import factorize_columns, set_aside_non_data_rows
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.textfiles import GridRows

cells = st.one_of(
    st.none(), st.just(float("nan")), st.booleans(),
    st.sampled_from([0, 1, 1.0, 0.0, 2, 93, 0.93, Decimal("1"), Decimal("NaN"), np.float64(1.0), np.int64(1)]),
    st.sampled_from(["1", "93%", "", " ", "—", "abc", "2025-03", "True"]),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2021, 12, 31)),
)


def _same_cell(a, b) -> bool:
    return (a is None and b is None) or (type(a) is type(b) and a == b)


def _assert_codes_describe_the_frame(table) -> None:
    assert set(table.codes) == set(table.frame.columns)
    for label in table.frame.columns:
        codes, distinct = table.codes[label]
        decoded = [None if code < 0 else distinct[code] for code in codes]
        shown = table.frame[label].tolist()
        assert len(decoded) == len(shown), label
        assert all(_same_cell(a, b) for a, b in zip(decoded, shown, strict=True)), label


@settings(deadline=None, max_examples=200)
@given(st.lists(cells, min_size=1, max_size=10), st.integers(min_value=1, max_value=5), st.randoms())
def test_distinct_cells_from_the_readers_codes_are_those_found_by_hashing_again(distinct, repeats, rng):
    raw = distinct * repeats
    rng.shuffle(raw)
    series = pd.Series(raw, dtype=object)
    again = v.distinct_cells(series, min_cells=0)
    reused = v.distinct_cells(series, min_cells=0, factorized=pd.factorize(np.asarray(raw, dtype=object)))
    assert (again is None) == (reused is None)
    if again is not None:
        assert again[0].tolist() == reused[0].tolist()
        assert all(_same_cell(a, b) or (a != a and b != b) for a, b in zip(again[1], reused[1], strict=True))


def test_codes_with_cells_no_row_keeps_still_give_each_kept_cell_its_own_distinct_cell():
    cells_ = pd.Series(["a", "b", "a", "a"] * 3, dtype=object)  # rows holding "gone" were set aside
    codes, distinct = v.distinct_cells(cells_, min_cells=0, factorized=(np.array([0, 2, 0, 0] * 3), np.array(
        ["a", "gone", "b"], dtype=object)))
    assert codes.tolist() == [0, 1, 0, 0] * 3 and distinct.tolist() == ["a", "b"]


def _long_workbook(path, rows: int):
    book = Workbook()
    sheet = book.active
    sheet.append(["季度考核数据"])  # a title row above the header
    sheet.append(["工号", "考核周期", "指标", "数值", "备注"])
    for i in range(rows):
        if i == 40:
            sheet.append([None] * 5)  # a blank row: dropped
        sheet.append([f"E{i % 97:05d}", "2025-03", "满意度" if i % 3 else "接待总数",
                      f"{i % 100}%" if i % 7 else (None if i % 2 else i), "" if i % 5 else "迟到"])
    sheet.append(["合计", None, None, 123, None])  # set aside
    book.save(path)
    return path


@pytest.mark.parametrize("grid_rows", [grids.GRID_MIN_ROWS, 10**9], ids=["one grid", "rows as lists"])
def test_the_codes_a_workbook_table_keeps_describe_its_frame(tmp_path, monkeypatch, grid_rows):
    monkeypatch.setattr(grids, "GRID_MIN_ROWS", grid_rows)
    path = _long_workbook(tmp_path / "long.xlsx", 1500)
    book = grids.open_workbook(path)
    sheet_rows = book.sheet(book.sheet_names[0]).rows
    assert isinstance(sheet_rows, GridRows) == (grid_rows < 10**9)
    as_read = [list(row) for row in sheet_rows]
    table = read_table(book)
    assert [list(row) for row in sheet_rows] == as_read and any("" in row for row in as_read)  # rows untouched
    assert read_table(book).frame.equals(table.frame)
    assert [s.reason for s in table.skipped] == ["totals"] and table.rows[0] == 3 and 43 not in table.rows
    assert table.frame["备注"].isna().sum() > 1000  # empty texts are blank cells
    _assert_codes_describe_the_frame(table)


def test_the_codes_a_big_csv_table_keeps_describe_its_frame(tmp_path):
    rows = [["工号", "考核周期", "指标", "数值"]] + [
        [f"E{i:05d}", "2025-03", "满意度", f"{i % 100}%" if i % 7 else ""] for i in range(12000)
    ] + [["合计", "", "", "123"]]
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    table = read_table(path)
    assert [s.row for s in table.skipped] == [len(rows)]
    _assert_codes_describe_the_frame(table)


def test_rows_set_aside_from_given_codes_are_those_set_aside_from_the_cells():
    columns = [np.array(["A1", "合计：2人", None, "A2", None], dtype=object),
               np.array([3, None, None, 4, 7], dtype=object), np.array(["x", None, "说明：见附表", None, None], dtype=object)]
    rows = np.array([2, 3, 4, 5, 6])
    by_cells = set_aside_non_data_rows(columns, rows, [], 3, key_columns=[0])
    by_codes = set_aside_non_data_rows(columns, rows, [], 3, key_columns=[0], factorized=factorize_columns(columns))
    assert by_cells[1] == by_codes[1] and [(s.row, s.reason) for s in by_codes[1]] == [
        (3, "totals"), (4, "notes")]
    assert by_cells[0][1].tolist() == by_codes[0][1].tolist() == [2, 5, 6]


def test_a_long_sheet_becomes_one_grid_with_every_cell_in_place_and_ragged_rows_stay_rows(monkeypatch):
    monkeypatch.setattr(grids, "GRID_MIN_ROWS", 3)
    rows = [["工号", 1.5, None], ["E1", dt.date(2025, 3, 1), ""], ["E2", True, [1, 2]]]
    grid = grids.as_grid(rows)
    assert isinstance(grid, GridRows) and grid.grid.shape == (3, 3)
    assert [[type(cell) for cell in row] for row in grid] == [[type(cell) for cell in row] for row in rows]
    assert list(grid) == rows
    ragged = [["工号", 1.5], ["E1"], ["E2", True, 3]]
    assert grids.as_grid(ragged) is ragged


def test_numbers_beside_text_share_codes_only_with_equal_numbers_of_their_own_type():
    floats = ["93%", 1.0, 2.5, "93%", 1.0, 2.5, "—", 1.0] * 4
    codes, distinct = v.distinct_cells(pd.Series(floats, dtype=object), min_cells=0)
    assert distinct.tolist() == ["93%", 1.0, 2.5, "—"] and codes.tolist() == [0, 1, 2, 0, 1, 2, 3, 1] * 4
    mixed = ["93%", 1.0, 1, True, None, float("nan"), "93%", 1.0, 1, True, None, float("nan")] * 2
    codes, distinct = v.distinct_cells(pd.Series(mixed, dtype=object), min_cells=0)
    assert [type(d) for d in distinct] == [str, float, int, bool, type(None), float]
    assert codes.tolist() == [0, 1, 2, 3, 4, 5] * 4
