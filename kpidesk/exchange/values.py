"""Reading cell values the way offices write them, one whole column at a time.

Every parser takes a pandas Series of raw cells (numbers, text, dates, times, blanks — whatever the
reader produced) and returns the parsed values together with a per-cell problem code, so that the
caller can point at the exact file, sheet, row and column of each bad cell. Nothing here raises on bad
input: a cell is either a value, missing (NaN) or a problem.

Rules worth knowing (also in the user documentation):

* ``—``, ``-``, ``N/A``, ``无``, blanks and the like are *missing*, never 0.
* Percent fields: ``93%`` is 93. A bare number at most 1 is read as a fraction (``0.93`` → 93), a bare
  number above 1 as already percent (``93`` → 93). The ambiguous bare ``1`` is therefore 100 %; write
  ``1%`` to mean one percent. Such cells are marked in ``ParsedValues.ambiguous``.
* Durations are stored in seconds: ``38秒`` 38, ``1.2分钟`` 72, ``4分12秒`` 252, ``1.5小时`` 5400, ``2h``
  7200, ``1:52`` 112 (minutes:seconds), ``1:02:03`` (hours:minutes:seconds). A bare number is in the
  column's unit hint (``平均处理时长(分钟)``) or else seconds.
* Numbers accept thousands separators, currency signs, full-width digits and trailing unit words:
  ``1,200``, ``¥1,200.50``, ``９３``, ``4.6分``, ``12次``, ``1.2万``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import numpy as np
import pandas as pd

from kpidesk.domain.periods import PeriodParseError, parse_period
from kpidesk.domain.text_rules import show_controls
from kpidesk.domain.units import Unit
from kpidesk.domain.value_ranges import MAX_MEASURED_VALUE, date_in_range
from kpidesk.i18n import N_, _


class Problem(StrEnum):
    """Why a cell could not be read; rendered for people by :func:`problem_message`."""

    NOT_A_NUMBER = "not_a_number"
    NOT_A_DURATION = "not_a_duration"
    NEGATIVE = "negative"
    NOT_FINITE = "not_finite"
    EXCEL_ERROR = "excel_error"
    NOT_A_DATE = "not_a_date"
    NOT_A_PERIOD = "not_a_period"
    NOT_TEXT = "not_text"
    TOO_LARGE = "too_large"
    DATE_OUT_OF_RANGE = "date_out_of_range"


_MESSAGES = {
    Problem.NOT_A_NUMBER: N_("“{value}” is not a number"),
    Problem.NOT_A_DURATION: N_("“{value}” is not a duration (e.g. 45秒, 4分12秒, 1.5小时, 2h)"),
    Problem.NEGATIVE: N_("“{value}” is negative, which is impossible here"),
    Problem.NOT_FINITE: N_("“{value}” is not a finite number"),
    Problem.EXCEL_ERROR: N_("the cell holds the Excel error {value}"),
    Problem.NOT_A_DATE: N_("“{value}” is not a date"),
    Problem.NOT_A_PERIOD: N_("“{value}” is not a period (e.g. 2025-03, 2025Q1, 2025年3月)"),
    Problem.NOT_TEXT: N_("“{value}” is not text"),
    Problem.TOO_LARGE: N_("“{value}” is too large to store (at most 1,000,000,000,000 either way)"),
    Problem.DATE_OUT_OF_RANGE: N_("“{value}” is outside the dates accepted (1900-01-01 – 2999-12-31)"),
}


def problem_message(problem: str, value: object) -> str:
    """The translated sentence for one problem cell."""
    template = _MESSAGES.get(Problem(problem), N_("“{value}” cannot be read"))
    return _(template).format(value=display_value(value))


def display_value(value: object) -> str:
    """A short, printable rendering of a raw cell for messages."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = show_controls(text.replace("\r", " ").replace("\n", " "), keep_lines=False)
    return text if len(text) <= 40 else text[:39] + "…"


#: Cells that mean "no value" (compared after NFKC, trimming and lower-casing).
MISSING_TOKENS = frozenset(
    {
        "", "-", "--", "---", "—", "——", "–", "−", "/", "\\", "n/a", "na", "n.a.", "#n/a", "null", "none",
        "nil", "nan", "无", "暂无", "空", "缺", "缺失", "未知", "不适用", "#div/0!", "…", "...", "?", "？",
    }
)
#: Excel error values that are real errors (a missing value is ``#N/A`` or ``#DIV/0!``, handled above).
EXCEL_ERRORS = frozenset({"#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!", "#calc!", "#getting_data"})

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACES = re.compile(r"[\s\u3000\u00a0\u2009\u202f']+")

_PERCENT_RE = (
    rf"^(?P<sign>[+-])?(?P<num>{_NUM})(?P<suffix>%|‰|pct|percent|个百分点|百分点)?$"
)
_NUMBER_RE = (
    rf"^(?P<sign>[+-])?(?:[¥$€£]|rmb|cny|usd|eur)?(?P<num>{_NUM})(?P<mult>万|千|百万|亿|k|w)?"
    r"(?P<word>元|块|人民币|rmb|cny|分|点|次|个|件|人|单|通|条|星|颗星|份|项|天|%|pts?|points?|items?)?$"
)
_DURATION_RE = (
    rf"^(?P<sign>[+-])?"
    rf"(?:(?P<d>{_NUM})(?:天|日|d|days?))?"
    rf"(?:(?P<h>{_NUM})(?:个小时|小时|时|h|hrs?|hours?))?"
    rf"(?:(?P<m>{_NUM})(?:分钟|分|min|mins|minutes?|m|'))?"
    rf"(?:(?P<s>{_NUM})(?:秒钟|秒|s|secs?|seconds?|\"))?$"
)
_CLOCK_RE = r"^(?P<sign>[+-])?(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>\d+(?:\.\d*)?)$"
_BARE_RE = rf"^(?P<sign>[+-])?(?P<num>{_NUM})$"

_MULTIPLIERS = {"万": 1e4, "w": 1e4, "千": 1e3, "k": 1e3, "百万": 1e6, "亿": 1e8}
#: Seconds per unit for duration hints found in headers ("(分钟)", "[h]", "(sec)").
DURATION_HINTS = {
    "秒": 1, "秒钟": 1, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "分": 60, "分钟": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "m": 60,
    "时": 3600, "小时": 3600, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "天": 86400, "日": 86400, "d": 86400, "day": 86400, "days": 86400,
}

_NUMBER_TYPES = (int, float, np.integer, np.floating, Decimal)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class ParsedValues:
    """Parsed numbers aligned with the input: NaN where missing or a problem."""

    values: pd.Series
    problems: pd.Series  # object: None, or a Problem code
    ambiguous: pd.Series  # bool: read by a documented but guessable rule (the bare 1 in a percent field)

    def __post_init__(self) -> None:
        self.problems = _none_for_na(self.problems)

    @property
    def problem_mask(self) -> pd.Series:
        return self.problems.notna()

    @property
    def missing_mask(self) -> pd.Series:
        return self.values.isna() & self.problems.isna()


@dataclass
class ParsedLabels:
    """Parsed text-like values (periods, staff numbers, dates) aligned with the input."""

    values: pd.Series  # object: str / date, or None where missing or a problem
    problems: pd.Series

    def __post_init__(self) -> None:
        self.values = _none_for_na(self.values)
        self.problems = _none_for_na(self.problems)

    @property
    def problem_mask(self) -> pd.Series:
        return self.problems.notna()


# --------------------------------------------------------------------------- classification


def _none_for_na(series: pd.Series) -> pd.Series:
    series = series.astype(object)
    return series.where(series.notna(), None)


def _as_object(cells: pd.Series | list) -> pd.Series:
    if not isinstance(cells, pd.Series):
        return pd.Series(list(cells), dtype=object)
    if cells.dtype != object:
        return cells.astype(object)
    return cells


def _kinds(cells: pd.Series) -> pd.Series:
    """A small code per cell: 'num', 'str', 'blank', 'bool', 'time', 'delta', 'date', 'other'."""

    def kind(value: object) -> str:
        if value is None:
            return "blank"
        if isinstance(value, bool | np.bool_):
            return "bool"
        if isinstance(value, str):
            return "str"
        if isinstance(value, _NUMBER_TYPES):
            return "blank" if isinstance(value, float | np.floating) and math.isnan(value) else "num"
        if isinstance(value, dt.timedelta | np.timedelta64):
            return "delta"
        if isinstance(value, dt.time):
            return "time"
        if isinstance(value, dt.date | np.datetime64):
            return "date" if not pd.isna(value) else "blank"
        if value is pd.NA or value is pd.NaT:
            return "blank"
        return "other"

    types = cells.map(type)
    kinds = types.map(_KIND_OF_TYPE)
    unknown = kinds.isna()
    if unknown.any():
        kinds[unknown] = cells[unknown].map(kind)
    floats = kinds.eq("num") & types.eq(float)
    if floats.any():
        kinds[floats & cells.isna()] = "blank"
    return kinds


_KIND_OF_TYPE = {str: "str", int: "num", float: "num", type(None): "blank", bool: "bool",
                 dt.datetime: "date", dt.date: "date", dt.time: "time", dt.timedelta: "delta"}


def normalise_text(texts: pd.Series) -> pd.Series:
    """NFKC (full-width digits and signs to ASCII), trimmed, lower-cased, spaces removed."""
    texts = texts.astype(object).where(texts.notna(), "").astype(str)
    return texts.str.normalize("NFKC").str.lower().str.replace(_SPACES, "", regex=True)


def _factorised(texts: pd.Series, transform=None) -> tuple[np.ndarray, pd.Series]:
    """Codes into the distinct values, with ``transform`` applied to the distinct values only (a column
    of 100,000 cells usually holds far fewer distinct texts)."""
    codes, uniques = pd.factorize(np.asarray(texts, dtype=object), use_na_sentinel=True)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if transform is not None:
        uniques = transform(uniques).astype(object)
    return codes, uniques


def _finite_float(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce").astype(float)


# --------------------------------------------------------------------------- each distinct cell once

#: Columns shorter than this are parsed cell by cell; longer ones parse each distinct cell once.
DISTINCT_MIN_CELLS = 256
#: ``infer_dtype`` answers for which equal cells are also cells of one type.
_ONE_TYPE = frozenset({"string", "floating", "integer"})


def distinct_cells(cells: pd.Series, min_cells: int | None = None,
                   factorized: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, pd.Series] | None:
    """Codes into the distinct cells of a column and one representative cell per code, or None when the
    column is short or hardly repeats itself (then there is nothing to gain). ``factorized`` is the
    column's ``pd.factorize`` if the caller has it already (a reader does): the cells are not hashed again.

    Cells share a code only when they are equal *and* of the same type — ``True`` stays apart from ``1``,
    ``None`` from NaN — so every per-cell parser gives a cell exactly its representative's result.
    """
    size = len(cells)
    if size < (DISTINCT_MIN_CELLS if min_cells is None else min_cells):
        return None
    array = np.asarray(cells, dtype=object)
    codes, uniques = pd.factorize(array) if factorized is None else factorized  # blanks of every kind: -1
    count = len(uniques) + 1
    codes = codes + 1
    if not _one_type(array, codes, uniques):
        # Only cells equal to something other than text can be equal across types (1, 1.0 and True), and
        # only when those cells are not all of one type (numbers beside text are often all floats).
        other = np.fromiter((type(u) is not str for u in uniques), dtype=bool, count=len(uniques))
        suspect = np.concatenate(([True], other))[codes]
        if pd.api.types.infer_dtype(array[suspect], skipna=False) not in _ONE_TYPE:
            types = np.zeros(size, dtype=np.int64)
            types[suspect] = pd.factorize(np.fromiter(map(type, array[suspect]), dtype=object))[0] + 1
            codes, uniques = pd.factorize(types * count + codes)
            count = len(uniques)
    if count * 2 > size:
        return None
    first = np.full(count, size, dtype=np.int64)
    np.minimum.at(first, codes, np.arange(size))
    if (first == size).any():  # a code nobody has (no blank cell in a one-type column)
        present = first < size
        codes = (np.cumsum(present) - 1)[codes]
        first = first[present]
    return codes, pd.Series(array[first], dtype=object)


def _one_type(array: np.ndarray, codes: np.ndarray, uniques: np.ndarray) -> bool:
    """Whether equal cells of the column are of one type: every cell text, or every cell a float, or every
    one an integer (told from the distinct cells when no cell is blank: a text cell equals only text)."""
    if len(uniques) and not (codes == 0).any() and all(type(u) is str for u in uniques):
        return True
    return pd.api.types.infer_dtype(array, skipna=False) in _ONE_TYPE


def _spread(column: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """A per-representative result given back to every cell of the column."""
    return pd.Series(column.to_numpy()[codes], index=index, dtype=column.dtype)


# --------------------------------------------------------------------------- numbers


def _parse_unique_numbers(uniques: pd.Series, unit: Unit, seconds_per_bare: float) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse distinct normalised strings; returns (values, problems, ambiguous) aligned with ``uniques``."""
    text = uniques.str.replace(_THOUSANDS, "", regex=True)
    values = pd.Series(np.nan, index=uniques.index, dtype=float)
    problems = pd.Series(None, index=uniques.index, dtype=object)
    ambiguous = pd.Series(False, index=uniques.index, dtype=bool)

    missing = text.isin(MISSING_TOKENS)
    errors = text.isin(EXCEL_ERRORS) | (text.str.startswith("#") & text.str.endswith(("!", "?")) & ~missing)
    problems[errors] = Problem.EXCEL_ERROR.value
    todo = ~(missing | errors)

    if unit in (Unit.DURATION, Unit.HOURS):
        seconds, bad = _parse_durations(text[todo], seconds_per_bare)
        if unit is Unit.HOURS:
            seconds = seconds / 3600.0
        values[todo] = seconds
        problems[bad[bad].index] = Problem.NOT_A_DURATION.value
    elif unit in (Unit.PERCENT, Unit.PERMILLE):
        found = text[todo].str.extract(_PERCENT_RE)
        number = _finite_float(found["num"])
        number = number.where(found["sign"] != "-", -number)
        suffix = found["suffix"].fillna("")
        if unit is Unit.PERCENT:
            bare = suffix.eq("") & number.notna()
            scaled = number.where(~(bare & (number.abs() <= 1)), number * 100)
            scaled = scaled.where(suffix != "‰", number / 10)
            ambiguous[bare[bare & number.abs().eq(1)].index] = True
        else:
            scaled = number.where(suffix != "%", number * 10)
            scaled = scaled.where(~suffix.isin(["个百分点", "百分点"]), number * 10)
        values[todo] = scaled
        bad = number.isna()
        problems[bad[bad].index] = Problem.NOT_A_NUMBER.value
    else:
        found = text[todo].str.extract(_NUMBER_RE)
        number = _finite_float(found["num"])
        number = number * found["mult"].map(_MULTIPLIERS).fillna(1.0)
        number = number.where(found["sign"] != "-", -number)
        # "93%" in a score column still means 93 points; in other units a percent sign is wrong.
        percent_word = found["word"].eq("%")
        if unit is not Unit.SCORE:
            number = number.where(~percent_word)
        values[todo] = number
        bad = number.isna()
        problems[bad[bad].index] = Problem.NOT_A_NUMBER.value
    return values, problems, ambiguous


def _parse_durations(text: pd.Series, seconds_per_bare: float) -> tuple[pd.Series, pd.Series]:
    """Seconds for each duration text, and a mask of the ones that are not durations."""
    seconds = pd.Series(np.nan, index=text.index, dtype=float)
    if text.empty:
        return seconds, pd.Series(False, index=text.index, dtype=bool)
    bare = text.str.extract(_BARE_RE)
    bare_num = _finite_float(bare["num"])
    bare_num = bare_num.where(bare["sign"] != "-", -bare_num)
    seconds = seconds.where(bare_num.isna(), bare_num * seconds_per_bare)

    rest = seconds.isna()
    clock = text[rest].str.extract(_CLOCK_RE)
    clock_total = (
        _finite_float(clock["h"]).fillna(0) * 3600 + _finite_float(clock["m"]) * 60 + _finite_float(clock["s"])
    )
    clock_total = clock_total.where(clock["sign"] != "-", -clock_total)
    seconds[rest] = clock_total

    rest = seconds.isna()
    parts = text[rest].str.extract(_DURATION_RE)
    has_any = parts[["d", "h", "m", "s"]].notna().any(axis=1)
    total = (
        _finite_float(parts["d"]).fillna(0) * 86400
        + _finite_float(parts["h"]).fillna(0) * 3600
        + _finite_float(parts["m"]).fillna(0) * 60
        + _finite_float(parts["s"]).fillna(0)
    ).where(has_any)
    total = total.where(parts["sign"] != "-", -total)
    seconds[rest] = total
    return seconds, seconds.isna()


def parse_values(
    cells: pd.Series | list, unit: Unit | str = Unit.NUMBER, *, unit_hint: str | None = None
) -> ParsedValues:
    """Parse a column of raw cells as numbers in ``unit``'s storage form (see the module doc).

    ``unit_hint`` is the unit written in the column header (``分钟`` in ``平均处理时长(分钟)``); it sets how
    bare numbers in a duration column are read.
    """
    unit = Unit(unit)
    cells = _as_object(cells)
    distinct = distinct_cells(cells)
    if distinct is None:
        return _parse_value_cells(cells, unit, unit_hint)
    codes, representatives = distinct
    parsed = _parse_value_cells(representatives, unit, unit_hint)
    return ParsedValues(*(_spread(part, codes, cells.index)
                          for part in (parsed.values, parsed.problems, parsed.ambiguous)))


def _parse_value_cells(cells: pd.Series, unit: Unit, unit_hint: str | None) -> ParsedValues:
    """:func:`parse_values` cell by cell."""
    index = cells.index
    values = pd.Series(np.nan, index=index, dtype=float)
    problems = pd.Series(None, index=index, dtype=object)
    ambiguous = pd.Series(False, index=index, dtype=bool)
    if cells.empty:
        return ParsedValues(values, problems, ambiguous)

    bare_seconds = float(DURATION_HINTS.get((unit_hint or "").strip().lower(), 1))
    if unit is Unit.HOURS and not unit_hint:
        bare_seconds = 3600.0

    kinds = _kinds(cells)
    numeric = kinds.eq("num")
    if numeric.any():
        number = pd.to_numeric(cells[numeric], errors="coerce").astype(float)
        if unit is Unit.PERCENT:
            ambiguous[numeric] = number.abs().eq(1)
            number = number.where(number.abs() > 1, number * 100)
        elif unit is Unit.DURATION:
            number = number * bare_seconds
        elif unit is Unit.HOURS:
            number = number * bare_seconds / 3600.0
        values[numeric] = number

    strings = kinds.eq("str")
    if strings.any():
        codes, uniques = _factorised(cells[strings], normalise_text)
        u_values, u_problems, u_ambiguous = _parse_unique_numbers(uniques, unit, bare_seconds)
        values[strings] = u_values.to_numpy()[codes]
        problems[strings] = u_problems.to_numpy()[codes]
        ambiguous[strings] = u_ambiguous.to_numpy()[codes]

    spans = kinds.isin(["time", "delta"])
    if spans.any():
        seconds = cells[spans].map(_span_seconds).astype(float)
        if unit is Unit.DURATION:
            values[spans] = seconds
        elif unit is Unit.HOURS:
            values[spans] = seconds / 3600.0
        else:
            problems[spans] = Problem.NOT_A_NUMBER.value

    others = kinds.isin(["bool", "date", "other"])
    problems[others] = Problem.NOT_A_NUMBER.value

    finite = np.isfinite(values.to_numpy()) | values.isna().to_numpy()
    problems[~finite] = Problem.NOT_FINITE.value
    problems[(values.abs() > MAX_MEASURED_VALUE) & problems.isna()] = Problem.TOO_LARGE.value
    if unit in (Unit.DURATION, Unit.HOURS, Unit.COUNT):
        problems[(values < 0) & problems.isna()] = Problem.NEGATIVE.value
    values[problems.notna()] = np.nan
    return ParsedValues(values, problems, ambiguous & problems.isna())


def _span_seconds(value: object) -> float:
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    try:
        return pd.Timedelta(value).total_seconds()
    except (ValueError, OverflowError):
        return math.nan


# --------------------------------------------------------------------------- text keys


def _labels_per_distinct(cells: pd.Series | list, parse) -> ParsedLabels:
    """Run a per-cell label parser once per distinct cell and give every cell its result."""
    cells = _as_object(cells)
    distinct = distinct_cells(cells)
    if distinct is None:
        return parse(cells)
    codes, representatives = distinct
    parsed = parse(representatives)
    return ParsedLabels(_spread(parsed.values, codes, cells.index), _spread(parsed.problems, codes, cells.index))


def parse_keys(cells: pd.Series | list) -> ParsedLabels:
    """Identifiers such as staff numbers: trimmed text, ``1001.0`` read as ``1001``, full-width to ASCII."""
    return _labels_per_distinct(cells, _parse_keys_cells)


def _parse_keys_cells(cells: pd.Series) -> ParsedLabels:
    cells = _as_object(cells)
    kinds = _kinds(cells)
    out = pd.Series(None, index=cells.index, dtype=object)
    problems = pd.Series(None, index=cells.index, dtype=object)
    strings = kinds.eq("str")
    if strings.any():
        codes, uniques = _factorised(cells[strings], lambda u: u.str.normalize("NFKC").str.strip())
        uniques = uniques.where(~uniques.str.lower().isin(MISSING_TOKENS), None)
        out[strings] = uniques.to_numpy()[codes]
    numbers = kinds.eq("num")
    if numbers.any():
        out[numbers] = cells[numbers].map(_number_key)
    bad = kinds.isin(["bool", "date", "time", "delta", "other"])
    problems[bad] = Problem.NOT_TEXT.value
    return ParsedLabels(out, problems)


def parse_text(cells: pd.Series | list) -> pd.Series:
    """Free text (names, department names): trimmed, blanks to None; numbers keep their short form."""
    cells = _as_object(cells)
    kinds = _kinds(cells)
    out = cells.map(lambda v: None if v is None else (display_value(v) if not isinstance(v, str) else v))
    out = out.where(~kinds.eq("blank"), None)
    stripped = out.map(lambda v: v.strip() if isinstance(v, str) else v)
    return _none_for_na(stripped.where(stripped.map(lambda v: bool(v)), None))


def _number_key(value: float | int | str) -> str:
    number = float(value)
    if math.isfinite(number) and number.is_integer():
        return str(int(number))
    return repr(number)


# --------------------------------------------------------------------------- dates and periods

_DATE_RE = r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[t ]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_COMPACT_DATE_RE = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"


def excel_serial_to_date(serial: float) -> dt.date | None:
    """The date an Excel day number stands for (1900 date system), or None outside 1900–2999."""
    if not math.isfinite(serial) or not 1 <= serial < 401769:
        return None
    return (_EXCEL_EPOCH + pd.Timedelta(days=int(serial))).date()


def parse_dates(cells: pd.Series | list) -> ParsedLabels:
    """Dates from date cells, Excel day numbers (``44256``), ``2021-03-01``, ``2021/3/1``, ``2021年3月1日``,
    ``20210301``; values are ``datetime.date`` or None."""
    return _labels_per_distinct(cells, _parse_dates_cells)


def _parse_dates_cells(cells: pd.Series) -> ParsedLabels:
    cells = _as_object(cells)
    kinds = _kinds(cells)
    out = pd.Series(None, index=cells.index, dtype=object)
    problems = pd.Series(None, index=cells.index, dtype=object)

    dates = kinds.eq("date")
    out[dates] = cells[dates].map(lambda v: pd.Timestamp(v).date())

    numbers = kinds.eq("num")
    if numbers.any():
        as_text = cells[numbers].map(_number_key)
        compact = as_text.str.fullmatch(r"\d{8}")
        converted = cells[numbers].map(lambda v: excel_serial_to_date(float(v)))
        converted[compact] = as_text[compact].map(_compact_date)
        out[numbers] = converted
        problems[numbers & out.isna()] = Problem.NOT_A_DATE.value

    strings = kinds.eq("str")
    if strings.any():
        codes, uniques = _factorised(cells[strings], normalise_text)
        parsed = uniques.map(_text_date)
        missing = uniques.isin(MISSING_TOKENS)
        out[strings] = parsed.to_numpy()[codes]
        bad = (parsed.isna() & ~missing).to_numpy()[codes]
        problems[strings] = np.where(bad, Problem.NOT_A_DATE.value, np.array(None))

    problems[kinds.isin(["bool", "time", "delta", "other"])] = Problem.NOT_A_DATE.value
    outside = out.map(lambda day: isinstance(day, dt.date) and not date_in_range(day))
    problems[outside.astype(bool) & problems.isna()] = Problem.DATE_OUT_OF_RANGE.value
    out[problems.notna()] = None
    return ParsedLabels(out, problems)


def _compact_date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _text_date(text: str) -> dt.date | None:
    match = re.match(_DATE_RE, text) or re.match(_COMPACT_DATE_RE, text)
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def parse_periods(cells: pd.Series | list) -> ParsedLabels:
    """Period codes (``2025-03``, ``2025-Q1`` …) from the many spellings, date cells (their month) and
    Excel day numbers; values are canonical codes or None."""
    return _labels_per_distinct(cells, _parse_periods_cells)


def _parse_periods_cells(cells: pd.Series) -> ParsedLabels:
    cells = _as_object(cells)
    kinds = _kinds(cells)
    out = pd.Series(None, index=cells.index, dtype=object)
    problems = pd.Series(None, index=cells.index, dtype=object)

    dates = kinds.eq("date")
    out[dates] = cells[dates].map(lambda v: _month_code(pd.Timestamp(v).date()))

    readable = kinds.isin(["str", "num"])
    if readable.any():
        keys = cells[readable].map(lambda v: v if isinstance(v, str) else _number_key(v))
        codes, uniques = _factorised(keys, lambda u: u.astype(str).str.normalize("NFKC").str.strip())
        parsed = uniques.map(_period_code)
        missing = uniques.str.lower().str.replace(_SPACES, "", regex=True).isin(MISSING_TOKENS)
        out[readable] = parsed.to_numpy()[codes]
        bad = (parsed.isna() & ~missing).to_numpy()[codes]
        problems[readable] = np.where(bad, Problem.NOT_A_PERIOD.value, np.array(None))

    problems[kinds.isin(["bool", "time", "delta", "other"])] = Problem.NOT_A_PERIOD.value
    out[problems.notna()] = None
    return ParsedLabels(out, problems)


def _month_code(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _period_code(text: str) -> str | None:
    try:
        return parse_period(text).code
    except (PeriodParseError, ValueError):
        pass
    day = _text_date(text.lower())
    if day is not None:
        return _month_code(day)
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        serial = excel_serial_to_date(float(text))
        if serial is not None:
            return _month_code(serial)
    return None
