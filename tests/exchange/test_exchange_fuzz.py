"""Random cells and random files: the exchange layer answers with problems, never with a crash."""

import datetime as dt
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpidesk.domain.units import Unit
from kpidesk.errors import ValidationError
from kpidesk.exchange.readers import read_table
from kpidesk.exchange.values import Problem, parse_dates, parse_keys, parse_periods, parse_values

cells = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.text(alphabet="0123456789.,%‰-+¥$ 分秒钟小时h:万—无N/A９３", max_size=10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**12, max_value=10**12),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)

KNOWN = {p.value for p in Problem}


@settings(deadline=None, max_examples=300)
@given(st.lists(cells, max_size=30), st.sampled_from(list(Unit)))
def test_random_cells_give_values_or_named_problems(raw, unit):
    series = pd.Series(raw, dtype=object)
    parsed = parse_values(series, unit)
    assert len(parsed.values) == len(raw)
    for value, problem in zip(parsed.values, parsed.problems, strict=True):
        if problem is not None:
            assert problem in KNOWN
            assert math.isnan(value)
        else:
            assert math.isnan(value) or math.isfinite(value)
    for parser in (parse_dates, parse_periods, parse_keys):
        labels = parser(series)
        assert set(labels.problems.dropna()) <= KNOWN
        assert len(labels.values) == len(raw)


@settings(deadline=None, max_examples=150)
@given(st.lists(cells, max_size=20))
def test_negative_durations_never_pass(raw):
    parsed = parse_values(pd.Series(raw, dtype=object), Unit.DURATION)
    assert not (parsed.values < 0).any()


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_random_csv_bytes(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    try:
        table = read_table(path, strict=False)
    except ValidationError as error:
        assert error.message
        assert error.place is not None and error.place.file == "random.csv"
        return
    assert table.frame.index.min() > table.header_row


csv_text = st.lists(
    st.lists(st.one_of(st.text(max_size=8), st.sampled_from(["工号", "姓名", "93%", "合计", "说明：x", "", "—"])),
         max_size=6),
    max_size=12,
)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_text, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_random_csv_tables(tmp_path, rows, encoding):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "table.csv"
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        return
    try:
        table = read_table(path, strict=False)
    except ValidationError as error:
        assert error.message
        return
    for column in table.frame.columns:
        parse_values(table.frame[column], Unit.PERCENT)
    assert all(isinstance(row, int) for row in table.rows)


def test_unusual_objects_are_problems():
    parsed = parse_values(pd.Series([object(), dt.date(2020, 1, 1), b"93"], dtype=object), Unit.NUMBER)
    assert parsed.problems.tolist() == [Problem.NOT_A_NUMBER] * 3
