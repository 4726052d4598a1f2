"""Column types that keep numbers exact on every database.

SQLite stores ``Numeric`` as a float, so 33.33 + 33.33 + 33.34 might not be 100. Weights, targets, values
and scores are stored as integers scaled by 10**places and read back as ``Decimal``.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, Text
from sqlalchemy.types import TypeDecorator


class FixedDecimal(TypeDecorator):
    """A Decimal with a fixed number of places, stored as a scaled BIGINT (exact and sortable)."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int = 4):
        super().__init__()
        self.places = places
        self._scale = Decimal(10) ** places
        self._quantum = Decimal(1).scaleb(-places)

    def process_bind_param(self, value: Any, dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            if value != value:  # NaN means missing
                return None
            value = Decimal(repr(value))
        elif not isinstance(value, Decimal):
            value = Decimal(str(value))
        return int((value * self._scale).to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value: Any, dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._scale).quantize(self._quantum)


class JSONText(TypeDecorator):
    """JSON kept as text with sorted keys, so its bytes are stable across databases (used for hashes)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def process_result_value(self, value: Any, dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)
