"""Long columns are parsed once per distinct cell; the answers must be exactly those of parsing every cell."""

import csv
import datetime as dt
import io
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpidesk.domain.units import Unit
from kpidesk.exchange import values as v
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.textfiles import GridRows, read_text_rows

cells = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.booleans(),
    st.sampled_from([0, 1, 1.0, 0.0, -0.0, 2, 93, 0.93, Decimal("1"), Decimal("NaN"), np.float64(1.0), np.int64(1)]),
    st.sampled_from(["1", "93%", "0.93", "4分12秒", "1.5小时", "９３", "—", "N/A", "无", "", " ", "abc", "2025-03",
                     "2025年3月", "2025Q1", "#REF!", "1,200", "¥1,200.50", "True"]),
    st.text(alphabet="0123456789.,%-分秒h:", max_size=6),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=True, width=32),
    st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.times(),
)


def _same(a: pd.Series, b: pd.Series) -> bool:
    left, right = a.tolist(), b.tolist()
    return all(
        (x is None and y is None) or (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))
        or (type(x) is type(y) and x == y)
        for x, y in zip(left, right, strict=True)
    ) and list(a.index) == list(b.index)


def _both_ways(parse, series):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(v, "DISTINCT_MIN_CELLS", 10**9)
        one_by_one = parse(series)
        patch.setattr(v, "DISTINCT_MIN_CELLS", 0)
        per_distinct = parse(series)
    return one_by_one, per_distinct


@settings(deadline=None, max_examples=200)
@given(st.lists(cells, min_size=1, max_size=12), st.integers(min_value=2, max_value=6), st.randoms(),
       st.sampled_from(list(Unit)), st.sampled_from([None, "分钟", "h"]))
def test_values_parsed_per_distinct_cell_equal_cell_by_cell(distinct, repeats, rng, unit, hint):
    raw = distinct * repeats
    rng.shuffle(raw)
    series = pd.Series(raw, index=range(5, 5 + len(raw)), dtype=object)
    one, many = _both_ways(lambda s: v.parse_values(s, unit, unit_hint=hint), series)
    assert _same(one.values, many.values)
    assert _same(one.problems, many.problems)
    assert one.ambiguous.tolist() == many.ambiguous.tolist()


@settings(deadline=None, max_examples=150)
@given(st.lists(cells, min_size=1, max_size=12), st.integers(min_value=2, max_value=6), st.randoms())
def test_labels_parsed_per_distinct_cell_equal_cell_by_cell(distinct, repeats, rng):
    raw = distinct * repeats
    rng.shuffle(raw)
    series = pd.Series(raw, dtype=object)
    for parser in (v.parse_keys, v.parse_periods, v.parse_dates):
        one, many = _both_ways(parser, series)
        assert _same(one.values, many.values), parser.__name__
        assert _same(one.problems, many.problems), parser.__name__


def test_equal_cells_of_different_types_stay_apart():
    raw = [True, 1, 1.0, None, float("nan"), "1", True, 1, 1.0, None, float("nan"), "1"]
    codes, representatives = v.distinct_cells(pd.Series(raw, dtype=object), min_cells=0)
    assert [type(r) for r in representatives] == [bool, int, float, type(None), float, str]
    assert codes.tolist() == [0, 1, 2, 3, 4, 5] * 2
    parsed = v.parse_values(pd.Series(raw * 30, dtype=object), Unit.COUNT)  # long enough for the fast path
    assert parsed.problems.iloc[0] == v.Problem.NOT_A_NUMBER  # True is not a count …
    assert parsed.values.iloc[1] == parsed.values.iloc[2] == parsed.values.iloc[5] == 1  # … 1, 1.0 and "1" are
    assert not parsed.missing_mask.iloc[0] and parsed.missing_mask.iloc[3] and parsed.missing_mask.iloc[4]


def test_a_column_that_hardly_repeats_is_parsed_cell_by_cell():
    series = pd.Series([str(i) for i in range(1000)], dtype=object)
    assert v.distinct_cells(series) is None
    assert v.parse_values(series, Unit.COUNT).values.tolist() == list(range(1000))


def test_numbers_and_their_text_give_the_same_values():
    numbers = [93, 0.93, 1, 4.5, 1200, 0]
    texts = ["93", "0.93", "1", "4.5", "1,200", "0"]
    for unit in (Unit.PERCENT, Unit.DURATION, Unit.COUNT, Unit.CURRENCY):
        as_numbers = v.parse_values(pd.Series(numbers * 100, dtype=object), unit, unit_hint="分钟")
        as_text = v.parse_values(pd.Series(texts * 100, dtype=object), unit, unit_hint="分钟")
        assert as_numbers.values.tolist() == as_text.values.tolist(), unit


def _big_csv(tmp_path, rows):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert len(path.read_text(encoding="utf-8-sig")) > 200_000  # read through the grid, not the csv module
    return path


def test_a_big_csv_reads_as_the_csv_module_reads_it(tmp_path):
    rows = [["工号", "考核周期", "指标", "数值"]] + [
        [f"E{i:05d}", "2025-03", "满意度", f"{i % 100}%" if i % 7 else ""] for i in range(12000)
    ]
    rows[5] = ["E1", "2025-03", "备注, 带逗号", "\"引号\""]
    rows.append(["合计", "", "", "123"])
    path = _big_csv(tmp_path, rows)
    records, encoding = read_text_rows(path.read_bytes(), path.name)
    assert isinstance(records, GridRows) and encoding == "utf-8-sig"
    expected = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    width = len(records[0])  # a quoted comma may make the grid wider than any record: padded with ""
    assert records == [record + [""] * (width - len(record)) for record in expected]
    assert records[5][:4] == ["E1", "2025-03", "备注, 带逗号", "\"引号\""] and records[-1][0] == "合计"

    table = read_table(path)
    assert table.rows[0] == 2 and table.rows[-1] == len(rows) - 1  # the totals line is set aside
    assert [s.row for s in table.skipped] == [len(rows)]
    assert table.frame.iat[0, 3] is None and table.frame.iat[7, 3] is None  # blank cells, not ""
    assert table.frame.iat[1, 3] == "1%" and table.frame.iat[4, 2] == "备注, 带逗号"
    assert list(table.frame.columns) == ["工号", "考核周期", "指标", "数值"]  # the padding column is dropped
    assert read_table(path).frame.equals(table.frame)  # reading it did not change the file's records


def test_a_big_csv_with_ragged_lines_pads_short_ones(tmp_path):
    rows = [["工号", "接待总数"]] + [[f"E{i:05d}", str(i)] for i in range(20000)] + [["E99999"]]
    path = _big_csv(tmp_path, rows)
    table = read_table(path)
    assert len(table.frame) == 20001
    assert table.frame.iloc[-1].tolist() == ["E99999", None]


def test_a_long_workbook_is_read_as_one_grid_and_gives_the_table_its_rows_give(tmp_path, monkeypatch):
    from openpyxl import Workbook

    from kpidesk.exchange import grids

    book = Workbook()
    sheet = book.active
    sheet.append(["季度考核数据"])  # a title row above the header: narrower than the table
    sheet.append(["工号", "考核周期", "指标", "数值"])
    for i in range(1500):
        sheet.append([f"E{i:05d}", "2025-03", "满意度", f"{i % 100}%" if i % 7 else None])
    sheet.append(["合计", None, None, 123])
    path = tmp_path / "long.xlsx"
    book.save(path)

    as_grid = grids.open_workbook(path)
    rows = as_grid.sheet(as_grid.sheet_names[0]).rows
    assert isinstance(rows, GridRows) and rows[0][:1] == ["季度考核数据"] and rows[2][0] == "E00000"
    monkeypatch.setattr(grids, "GRID_MIN_ROWS", 10**9)
    as_lists = grids.open_workbook(path)
    assert isinstance(as_lists.sheet(as_lists.sheet_names[0]).rows, list)

    from_grid, from_lists = read_table(as_grid), read_table(as_lists)
    assert from_grid.frame.equals(from_lists.frame) and from_grid.header_row == from_lists.header_row == 2
    assert [s.row for s in from_grid.skipped] == [s.row for s in from_lists.skipped] == [1503]


def test_a_control_character_deep_in_a_long_file_is_refused_at_its_cell(tmp_path):
    from kpidesk.errors import ValidationError
    from kpidesk.exchange.grids import open_workbook

    rows = [["工号", "考核周期", "指标", "数值"]] + [
        [f"E{i:05d}", "2025-03", "满意度", f"{i % 100}%"] for i in range(12000)
    ]
    rows[9000][3] = "9\x073%"
    with pytest.raises(ValidationError) as refused:
        open_workbook(_big_csv(tmp_path, rows))
    assert refused.value.place.row == 9001 and refused.value.place.column == "D"
