"""What counts as a missing number is decided once, for every report, chart and pay sheet."""

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpidesk.domain.numbers import bool_or_none, float_or_none, int_or_none, is_missing, round_half_up_number

MISSING = [None, math.nan, np.nan, pd.NA, pd.NaT, Decimal("NaN"), "", "n/a", "nan", object()]


@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_missing_values_are_none(value):
    assert float_or_none(value) is None
    assert int_or_none(value) is None


@pytest.mark.parametrize(("value", "as_float", "as_int"), [
    (np.float64(2.5), 2.5, 2),
    (np.int64(3), 3.0, 3),
    (Decimal("81.25"), 81.25, 81),
    ("3.5", 3.5, 3),
    (" 7 ", 7.0, 7),
    (-3.9, -3.9, -3),
    (True, 1.0, 1),
])
def test_numbers_in_their_usual_disguises(value, as_float, as_int):
    assert float_or_none(value) == as_float
    assert int_or_none(value) == as_int


def test_infinity_is_a_float_but_not_an_int():
    assert float_or_none(math.inf) == math.inf
    assert int_or_none(math.inf) is None
    assert int_or_none(Decimal("-Infinity")) is None
    assert int_or_none("1e400") is None


def test_large_ids_keep_every_digit():
    big = 2**60 + 1
    assert int_or_none(big) == big
    assert int_or_none(np.int64(big)) == big
    assert int_or_none(str(big)) == big


@given(st.floats(allow_nan=False))
def test_any_float_comes_back_unchanged(number):
    assert float_or_none(number) == number
    assert float_or_none(np.float64(number)) == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_int_truncates_towards_zero_like_int(number):
    assert int_or_none(number) == int(number)
    assert int_or_none(pd.Series([number]).iloc[0]) == int(number)


@given(st.integers())
def test_any_int_survives(number):
    assert int_or_none(number) == number
    assert float_or_none(number) == float(number)


def test_an_integer_beyond_float_range_is_no_float():
    assert float_or_none(10**400) is None
    assert int_or_none(10**400) == 10**400


@pytest.mark.parametrize("value", [None, math.nan, np.nan, pd.NA, pd.NaT, Decimal("NaN")], ids=repr)
def test_a_missing_cell_is_missing_whichever_library_wrote_it(value):
    assert is_missing(value)
    assert bool_or_none(value) is None


@pytest.mark.parametrize("value", ["", "ok", 0, 0.0, False, np.False_, np.int64(2), (), np.array([1, 2])],
                         ids=repr)
def test_a_value_is_not_missing_even_when_false_or_empty(value):
    assert not is_missing(value)


@pytest.mark.parametrize(("value", "expected"), [(True, True), (np.True_, True), (False, False), (np.False_, False),
                                                 (1, True), (0.0, False)])
def test_a_truth_value_reads_as_a_bool(value, expected):
    assert bool_or_none(value) is expected


@given(st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**7, 10**7).map(lambda n: n / 2000),
       st.integers(0, 6))
def test_one_number_rounds_half_up_to_the_last_bit_as_the_engine_rounds_arrays(value, digits):
    from kpidesk.domain.scoring import round_half_up

    with np.errstate(over="ignore", invalid="ignore"):
        expected = round_half_up(value, digits)
    got = round_half_up_number(value, digits)
    assert (math.isnan(got) and math.isnan(expected)) or (got == expected and math.copysign(1, got) == math.copysign(1, expected))


@pytest.mark.parametrize(("value", "digits", "expected"), [(94.125, 2, 94.13), (-94.125, 2, -94.13), (2.675, 2, 2.68),
                                                           (1.005, 2, 1.01), (0.5, 0, 1.0), (-0.0, 2, 0.0)])
def test_a_half_rounds_away_from_zero_on_the_decimal_people_see(value, digits, expected):
    assert round_half_up_number(value, digits) == expected
