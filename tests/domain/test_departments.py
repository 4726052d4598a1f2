"""A head's scope: their department and every one below it, however the tree was stored."""

from kpidesk.domain.departments import with_descendants

#: 1 headquarters → 2 sales → 4 sales team A, 5 sales team B; 1 → 3 service; 6 stands alone
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: None}


def test_a_department_reaches_every_team_below_it_and_nothing_beside_it():
    assert with_descendants(PARENTS, [2]) == {2, 4, 5}
    assert with_descendants(PARENTS, [1]) == {1, 2, 3, 4, 5}
    assert with_descendants(PARENTS, [3, 6]) == {3, 6}
    assert with_descendants(PARENTS, []) == set()


def test_a_loop_in_the_stored_parents_ends_the_walk():
    assert with_descendants({7: 8, 8: 7, 9: 8}, [7]) == {7, 8, 9}
