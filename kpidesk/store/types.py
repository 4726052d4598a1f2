"""Column types that keep numbers exact on every database.

SQLite stores ``Numeric`` as a float, so 33.33 + 33.33 + 33.34 might not be 100. Weights, targets, values
and scores are stored as integers scaled by 10**places and read back as ``Decimal``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.types import TypeDecorator

from kpidesk.domain.canonical import canonical_json
from kpidesk.domain.value_ranges import BIGINT_MAX
from kpidesk.errors import ValidationError
from kpidesk.i18n import _


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
        scaled = int((value * self._scale).to_integral_value(rounding=ROUND_HALF_UP))
        if abs(scaled) > BIGINT_MAX:  # a BIGINT would overflow: refuse rather than store a wrong number
            raise ValidationError(_("{value} is too large to store").format(value=value))
        return scaled

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


class CanonicalJSONText(JSONText):
    """JSON stored in its canonical form, so a hash of the content is a hash of the stored text: checking it
    needs no decoding and encoding again."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        return None if value is None else canonical_json(value)


class EnumText(TypeDecorator):
    """A ``StrEnum`` stored as its plain value and read back as the member, so loaded rows carry the type.

    The allowed values are enforced by a CHECK constraint on the table (see the models), not by this type.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def one_of(column: str, values: Iterable[str]) -> str:
    """The SQL of a CHECK that ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"
