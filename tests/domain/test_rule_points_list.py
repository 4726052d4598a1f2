"""A three-level rule's ``points`` list must hold three numbers; an empty entry is refused by name."""

import pytest

from kpidesk.domain.rules import RuleError, RuleSpec, make_rule


@pytest.mark.parametrize("points", [[50, None, 110], [None, None, None], [50, 90]])
def test_a_points_list_without_three_numbers_is_refused(points):
    spec = RuleSpec("three_level", "higher", baseline=60, target=70, challenge=80, params={"points": points})
    with pytest.raises(RuleError, match="'points' must list three numbers"):
        make_rule(spec, kpi="FCR")


def test_three_numbers_give_the_levels():
    spec = RuleSpec("three_level", "higher", baseline=60, target=70, challenge=80, params={"points": [50, 90, 110]})
    assert make_rule(spec, kpi="FCR").points == (50.0, 90.0, 110.0)
