"""The sheet-size scan settles a chunk by one search past the references at its end; whatever the order
of the references, it must find the same extent as parsing every one of them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kpidesk.exchange.limits import (
    MAX_CELL_BYTES,
    _column_key,
    _column_number,
    _longest_run,
    _ReferenceBound,
    _ReferenceExtent,
    _run_over_limit,
)

_LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
_REFERENCE = st.tuples(_LETTERS, st.integers(1, 2_000_000))


def _xml(refs: list[tuple[str, int]]) -> bytes:
    return b"".join(b'<c r="%s%d" t="n"><v>1</v></c>' % (letters.encode(), row) for letters, row in refs)


#: Enough small references after the drawn ones that the end of the chunk does not show them.
_PADDING = _xml([("A", 1)] * 200)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_REFERENCE, max_size=40), min_size=1, max_size=4))
def test_the_extent_equals_the_largest_reference_however_they_are_ordered(chunks):
    extent = _ReferenceExtent()
    for refs in chunks:
        extent.add(_xml(refs) + _PADDING)
    every = [ref for refs in chunks for ref in refs] + [("A", 1)]
    assert extent.row == max((row for _, row in every), default=0)
    widest = max((letters.encode() for letters, _ in every), key=_column_key, default=b"")
    assert _column_number(extent.letters) == _column_number(widest)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_REFERENCE, max_size=40), min_size=1, max_size=4))
def test_the_bound_is_never_below_the_largest_reference(chunks):
    """The cheap scan may round a row number up to the next power of ten, never down, and finds the
    column letters exactly."""
    bound = _ReferenceBound()
    for refs in chunks:
        bound.add(_xml(refs) + _PADDING)
    every = [ref for refs in chunks for ref in refs] + [("A", 1)]
    largest = max(row for _, row in every)
    assert largest <= bound.row < 10 * largest
    widest = max((letters.encode() for letters, _ in every), key=_column_key)
    assert _column_number(bound.letters) == _column_number(widest)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"<", b"a" * 1000, b"b" * 40_000, b"c" * 70_000]), max_size=12))
def test_a_run_is_over_the_limit_exactly_when_the_longest_one_is(pieces):
    data = b"".join(pieces)
    assert _run_over_limit(data) == (_longest_run(data) > MAX_CELL_BYTES)
