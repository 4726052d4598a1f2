"""One JSON text for one content — keys sorted, no spaces, characters kept as they are — and its hash:
what a finalized snapshot and a form version are fingerprinted by, and how a snapshot is stored."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(content: Any) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_hash(content: Any) -> str:
    """SHA-256 (hex) of the canonical text: equal for equal content, whatever layout it came in."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
