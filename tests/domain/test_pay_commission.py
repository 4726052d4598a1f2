"""The handbook's commission table at the issue's worked points, in both styles."""

from decimal import Decimal

import pytest

from kpidesk.domain.commission import (
    HANDBOOK_TABLE_ROWS,
    Bracket,
    CommissionStyle,
    CommissionTable,
    commission_table,
)
from kpidesk.errors import ValidationError

D = Decimal


@pytest.fixture
def marginal():
    return commission_table(HANDBOOK_TABLE_ROWS, CommissionStyle.MARGINAL)


@pytest.fixture
def whole():
    return commission_table(HANDBOOK_TABLE_ROWS, CommissionStyle.WHOLE)


# marginal: 1% of the first 40k + 2% of 40–60k + 3% of 60–80k + 4% above; add-ons 200 and 300 kept once earned
@pytest.mark.parametrize(("sales", "expected"), [
    (35000, "350.00"),    # 35,000 × 1%
    (40000, "400.00"),    # "up to 40k" includes 40k: no add-on yet
    (55000, "900.00"),    # 400 + 15,000 × 2% + 200
    (60000, "1000.00"),   # 400 + 400 + 200 (60k is still the 40–60k bracket)
    (75000, "1750.00"),   # 400 + 400 + 15,000 × 3% + 200 + 300
    (90000, "2300.00"),   # 400 + 400 + 600 + 10,000 × 4% + 200 + 300
])
def test_marginal_worked_examples(marginal, sales, expected):
    assert marginal.compute(sales).amount == D(expected)


# whole-amount: the bracket reached sets the rate on all sales, plus that bracket's add-on
@pytest.mark.parametrize(("sales", "expected"), [
    (35000, "350.00"),    # 35,000 × 1%
    (40000, "400.00"),    # 40,000 × 1%
    (55000, "1300.00"),   # 55,000 × 2% + 200
    (60000, "1400.00"),   # 60,000 × 2% + 200
    (75000, "2550.00"),   # 75,000 × 3% + 300
    (90000, "3600.00"),   # 90,000 × 4%
])
def test_whole_amount_worked_examples(whole, sales, expected):
    assert whole.compute(sales).amount == D(expected)


def test_a_cent_above_a_limit_enters_the_next_bracket(marginal, whole):
    assert marginal.compute(D("40000.00")).bracket == 0
    assert marginal.compute(D("40000.01")).bracket == 1
    assert marginal.compute(D("40000.01")).amount == D("600.00")  # 400 + 0.0002 + 200
    assert whole.compute(D("40000.01")).amount == D("1000.00")  # 800.0002 + 200


def test_marginal_working_lists_each_slice(marginal):
    result = marginal.compute(75000)
    assert [(s.lower, s.on, s.rate_percent) for s in result.slices] == [
        (D(0), D(40000), D(1)), (D(40000), D(20000), D(2)), (D(60000), D(15000), D(3))]
    assert result.add_ons == (D(200), D(300))


def test_whole_working_has_one_line_on_all_sales(whole):
    result = whole.compute(55000)
    assert len(result.slices) == 1
    assert (result.slices[0].on, result.slices[0].rate_percent) == (D(55000), D(2))
    assert result.add_ons == (D(200),)


def test_no_sales_or_negative_sales_earn_nothing(marginal, whole):
    assert marginal.compute(0).amount == D("0.00")
    assert whole.compute(-500).amount == D("0.00")
    assert whole.compute(-500).sales == D(-500)


def test_commission_rounds_to_the_cent_half_up():
    table = commission_table([(None, "1.5", 0)])
    assert table.compute(D("0.3")).amount == D("0.00")  # 0.0045
    assert table.compute(D("0.34")).amount == D("0.01")  # 0.0051
    assert table.compute(D("1")).amount == D("0.02")  # 0.015 exactly: half-up
    assert table.compute(D("333.33")).amount == D("5.00")  # 4.99995


def test_strings_with_separators_are_read(marginal):
    assert marginal.compute("55,000").amount == D("900.00")


def test_curve_shows_both_sides_of_each_limit(whole):
    points = dict(whole.curve(100000, steps=10))
    assert points[D(40000)] == D("400.00")
    assert points[D("40000.01")] == D("1000.00")
    assert points[D(100000)] == D("4000.00")
    xs = [x for x, _y in whole.curve(100000, steps=10)]
    assert xs == sorted(xs) and xs[0] == 0


@pytest.mark.parametrize("brackets", [
    (),
    (Bracket(D(100), D(1)),),  # last bracket must be open
    (Bracket(None, D(1)), Bracket(None, D(2))),
    (Bracket(D(100), D(1)), Bracket(D(50), D(2)), Bracket(None, D(3))),  # limits must rise
    (Bracket(D(0), D(1)), Bracket(None, D(2))),
    (Bracket(None, D(-1)),),
    (Bracket(None, D(101)),),
])
def test_invalid_tables_are_refused(brackets):
    with pytest.raises(ValidationError):
        CommissionTable(tuple(brackets))


def test_table_round_trips_through_json_data(marginal):
    import json

    data = json.loads(json.dumps(marginal.to_dict()))
    again = CommissionTable.from_dict(data)
    assert again == marginal
    assert again.compute(75000).amount == D("1750.00")


def test_describe_reads_like_the_handbook(marginal):
    assert marginal.describe() == [
        "0.00 – 40,000.00: 1%", "40,000.00 – 60,000.00: 2% plus 200.00",
        "60,000.00 – 80,000.00: 3% plus 300.00", "above 80,000.00: 4%"]
