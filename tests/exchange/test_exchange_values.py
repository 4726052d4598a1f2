import datetime as dt
import math

import pandas as pd
import pytest

from kpidesk.domain.units import Unit
from kpidesk.exchange.values import (
    Problem,
    parse_dates,
    parse_keys,
    parse_periods,
    parse_text,
    parse_values,
    problem_message,
)


def one(value, unit, **kw):
    parsed = parse_values(pd.Series([value], dtype=object), unit, **kw)
    return parsed.values.iloc[0], parsed.problems.iloc[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("93%", 93.0), ("93.1%", 93.1), (" 93 % ", 93.0), ("0.93", 93.0), (0.93, 93.0), ("93", 93.0), (93, 93.0),
        ("９３", 93.0), ("９３％", 93.0), ("1%", 1.0), ("0.5%", 0.5), ("5‰", 0.5), ("-3%", -3.0), (150, 150.0),
        ("-0.03", -3.0), (0, 0.0),
    ],
)
def test_percent_cells(raw, expected):
    value, problem = one(raw, Unit.PERCENT)
    assert problem is None
    assert value == pytest.approx(expected)


def test_the_bare_one_is_a_whole_and_flagged_ambiguous():
    parsed = parse_values(pd.Series(["1", 1, 1.0, "1%", "0.5", "2"], dtype=object), Unit.PERCENT)
    assert parsed.values.tolist() == [100.0, 100.0, 100.0, 1.0, 50.0, 2.0]
    assert parsed.ambiguous.tolist() == [True, True, True, False, False, False]


@pytest.mark.parametrize(
    "raw, seconds",
    [
        ("38秒", 38), ("1.2分钟", 72), ("4分12秒", 252), ("1.5小时", 5400), ("2h", 7200), ("45秒", 45),
        ("2分10秒", 130), ("4分钟", 240), ("1小时30分", 5400), ("1h30m", 5400), ("2 mins", 120), ("90s", 90),
        ("1:52", 112), ("1:02:03", 3723), ("1天", 86400), (38, 38), ("38", 38),
        (dt.time(0, 4, 12), 252), (dt.timedelta(minutes=5), 300), ("４分１２秒", 252),
    ],
)
def test_durations_become_seconds(raw, seconds):
    value, problem = one(raw, Unit.DURATION)
    assert problem is None
    assert value == pytest.approx(seconds)


def test_bare_duration_uses_the_header_unit():
    assert one(4, Unit.DURATION, unit_hint="分钟")[0] == 240
    assert one("1.5", Unit.DURATION, unit_hint="h")[0] == 5400
    assert one("30秒", Unit.DURATION, unit_hint="分钟")[0] == 30


def test_negative_and_unreadable_durations_are_problems():
    parsed = parse_values(pd.Series(["-5秒", "-3分钟", "soon", "4分x"], dtype=object), Unit.DURATION)
    assert parsed.problems.tolist() == [Problem.NEGATIVE, Problem.NEGATIVE, Problem.NOT_A_DURATION,
                                        Problem.NOT_A_DURATION]
    assert parsed.values.isna().all()


def test_hours_unit_keeps_hours():
    parsed = parse_values(pd.Series(["2h", "90分钟", 3, "1.5小时"], dtype=object), Unit.HOURS)
    assert parsed.values.tolist() == [2.0, 1.5, 3.0, 1.5]


@pytest.mark.parametrize(
    "raw, unit, expected",
    [
        ("1,200", Unit.NUMBER, 1200.0), ("¥1,200.50", Unit.CURRENCY, 1200.5), ("￥1,200.50", Unit.CURRENCY, 1200.5),
        ("１，２００", Unit.NUMBER, 1200.0), ("4.6分", Unit.SCORE, 4.6), ("４.６分", Unit.SCORE, 4.6),
        ("12次", Unit.COUNT, 12.0), ("1.2万", Unit.CURRENCY, 12000.0), ("1,234,567.8", Unit.NUMBER, 1234567.8),
        ("93%", Unit.SCORE, 93.0), ("+5", Unit.NUMBER, 5.0), ("-3", Unit.NUMBER, -3.0), ("1e3", Unit.NUMBER, 1000.0),
        (7, Unit.COUNT, 7.0),
    ],
)
def test_numbers(raw, unit, expected):
    value, problem = one(raw, unit)
    assert problem is None
    assert value == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["—", "-", "N/A", "n/a", "无", "", "  ", None, float("nan"), "#N/A", "--", "－",
                                 "#DIV/0!", "—　"])
@pytest.mark.parametrize("unit", list(Unit))
def test_missing_markers_are_missing_never_zero(raw, unit):
    value, problem = one(raw, unit)
    assert problem is None
    assert math.isnan(value)


@pytest.mark.parametrize(
    "raw, unit, problem",
    [
        ("abc", Unit.NUMBER, Problem.NOT_A_NUMBER), ("1,2", Unit.NUMBER, Problem.NOT_A_NUMBER),
        ("#VALUE!", Unit.PERCENT, Problem.EXCEL_ERROR), (True, Unit.NUMBER, Problem.NOT_A_NUMBER),
        ("inf", Unit.NUMBER, Problem.NOT_A_NUMBER), (float("inf"), Unit.SCORE, Problem.NOT_FINITE),
        ("-2次", Unit.COUNT, Problem.NEGATIVE), ("93%", Unit.COUNT, Problem.NOT_A_NUMBER),
        (dt.date(2025, 1, 1), Unit.NUMBER, Problem.NOT_A_NUMBER), (dt.time(1, 0), Unit.PERCENT, Problem.NOT_A_NUMBER),
    ],
)
def test_problems_are_named(raw, unit, problem):
    value, found = one(raw, unit)
    assert found == problem
    assert math.isnan(value)


def test_vectorised_result_is_aligned_with_the_input_index():
    cells = pd.Series(["93%", None, "x", 0.5], index=[10, 11, 12, 13], dtype=object)
    parsed = parse_values(cells, Unit.PERCENT)
    assert parsed.values.index.tolist() == [10, 11, 12, 13]
    assert parsed.problem_mask.tolist() == [False, False, True, False]
    assert parsed.missing_mask.tolist() == [False, True, False, False]
    assert parsed.values[13] == 50.0


def test_numeric_series_fast_path():
    parsed = parse_values(pd.Series([0.5, 2.0, float("nan")]), Unit.PERCENT)
    assert parsed.values.tolist()[:2] == [50.0, 2.0]
    assert math.isnan(parsed.values.iloc[2])


def test_problem_message_mentions_the_value():
    assert "abc" in problem_message(Problem.NOT_A_NUMBER, "abc")
    assert "#REF!" in problem_message(Problem.EXCEL_ERROR, "#REF!")
    assert "4" in problem_message(Problem.NEGATIVE, -4.0)


def test_dates_from_every_spelling():
    cells = pd.Series([44256, "2021-03-01", "2021/3/1", "2021年3月1日", dt.date(2021, 3, 1),
                       dt.datetime(2021, 3, 1, 8, 30), 20210301, "20210301", "２０２１-０３-０１"], dtype=object)
    parsed = parse_dates(cells)
    assert parsed.values.tolist() == [dt.date(2021, 3, 1)] * 9
    assert parsed.problems.isna().all()


def test_bad_dates_are_problems_blank_dates_missing():
    parsed = parse_dates(pd.Series(["2021-02-30", "tomorrow", "", None, "—", True], dtype=object))
    assert parsed.problems.tolist() == [Problem.NOT_A_DATE, Problem.NOT_A_DATE, None, None, None,
                                        Problem.NOT_A_DATE]
    assert parsed.values.isna().all()


def test_periods_from_every_spelling():
    cells = pd.Series(["2025年3月", "2025-03", "2025Q1", "2025q1", "2025年第1季度", "2025上半年", "2025年", 2025,
                       202503.0, dt.date(2025, 3, 1), 45717, "2025-03-15"], dtype=object)
    parsed = parse_periods(cells)
    assert parsed.values.tolist() == ["2025-03", "2025-03", "2025-Q1", "2025-Q1", "2025-Q1", "2025-H1", "2025",
                                      "2025", "2025-03", "2025-03", "2025-03", "2025-03"]
    assert parsed.problems.isna().all()


def test_bad_periods():
    parsed = parse_periods(pd.Series(["2025-13", "next month", None, "—"], dtype=object))
    assert parsed.problems.tolist() == [Problem.NOT_A_PERIOD, Problem.NOT_A_PERIOD, None, None]


def test_keys_read_numbers_without_decimals_and_full_width():
    parsed = parse_keys(pd.Series(["CS001 ", 1001.0, "ＣＳ００２", None, "—", 12.5], dtype=object))
    assert parsed.values.tolist() == ["CS001", "1001", "CS002", None, None, "12.5"]


def test_text_is_trimmed_and_blank_is_none():
    assert parse_text(pd.Series([" 王芳 ", "", None, 3.0], dtype=object)).tolist() == ["王芳", None, None, "3"]
