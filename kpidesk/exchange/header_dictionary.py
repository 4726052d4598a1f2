"""Which field each value column of a data file holds, and how sure that is.

A column is matched, in this order: by hand (a mapping the user gave), from a remembered profile, exactly
(a field's code or its Chinese or English name), by alias (the field's own aliases, or a spelling from the
header dictionary ``resources/header_dictionary.toml``), and last by a guess: headers and spellings are
compared as normalised text by character similarity, then the unit written in the header and the shape of
the column's values (``88.5%``, ``4分12秒``, ``4.8分``) raise or lower the confidence. A guess below
:data:`SURE_ENOUGH` is imported only once someone confirms it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from kpidesk.exchange.aliases import normalise_header, split_header
from kpidesk.i18n import N_, _
from kpidesk.resources import RESOURCES

DICTIONARY_FILE = RESOURCES / "header_dictionary.toml"

BY_HAND, PROFILE, EXACT, ALIAS, GUESS = "by_hand", "profile", "exact", "alias", "guess"
#: A guess at least this sure is imported without asking.
SURE_ENOUGH = 0.8
#: A guess less sure than this is not proposed at all.
WORTH_PROPOSING = 0.6
SAMPLE_COUNT = 3

HOW_LABELS = {BY_HAND: N_("by hand"), PROFILE: N_("profile"), EXACT: N_("exact"), ALIAS: N_("alias"),
              GUESS: N_("guess {percent} %")}


@dataclass(frozen=True)
class FieldSpellings:
    """What the dictionary and the database know of one field: its unit, scale and header spellings."""

    code: str
    unit: str | None = None
    scale: int | None = None
    exact: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnMatch:
    """One column of the file: the field it goes to (None: not imported), how that was decided, and the
    first few values, for the preview."""

    column: str
    field: str | None
    how: str | None
    confidence: float = 1.0
    samples: tuple[str, ...] = ()
    confirmed: bool = True

    @property
    def how_text(self) -> str:
        if self.how is None:
            return "—"
        if self.how == GUESS:
            return _(HOW_LABELS[GUESS]).format(percent=round(self.confidence * 100))
        return _(HOW_LABELS[self.how])

    def describe(self) -> str:
        """``话务/接通量(次) → contacts (alias): 412, 380, 455``."""
        target = self.field or _("not imported")
        how = f" ({self.how_text})" if self.how else ""
        samples = f": {', '.join(self.samples)}" if self.samples else ""
        return f"{self.column} → {target}{how}{samples}"


@lru_cache(maxsize=1)
def dictionary() -> dict[str, FieldSpellings]:
    """The header dictionary shipped with KPI Desk: field code → spellings."""
    with DICTIONARY_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        code: FieldSpellings(code, entry.get("unit"), entry.get("scale"), (),
                             tuple(entry.get("zh", ())) + tuple(entry.get("en", ())))
        for code, entry in data.get("fields", {}).items()
    }


#: How many of a file's telling headers a sentence about its kind quotes.
HEADERS_SHOWN = 4


@lru_cache(maxsize=1)
def _known_value_headers() -> frozenset[str]:
    return frozenset(normalise_header(text) for spelling in dictionary().values()
                     for text in (spelling.code, *spelling.aliases))


def value_headers(headers: Iterable[str]) -> list[str]:
    """The headers the dictionary knows as performance values (a two-level header counts by its last
    part): two of them say a file carries performance data."""
    known = _known_value_headers()
    return [h for h in headers if normalise_header(h) in known or normalise_header(h.rsplit("/", 1)[-1]) in known]


def field_spellings(known: Iterable[FieldSpellings]) -> dict[str, FieldSpellings]:
    """The database's fields (code, names, own aliases), each with the dictionary's spellings added."""
    shipped = dictionary()
    result = {}
    for own in known:
        extra = shipped.get(own.code)
        result[own.code] = FieldSpellings(
            own.code, own.unit or (extra.unit if extra else None), own.scale or (extra.scale if extra else None),
            own.exact, own.aliases + (extra.aliases if extra else ()),
        )
    return result


# --------------------------------------------------------------------------- units and value shapes

_UNIT_WORDS = (
    ("percent", re.compile(r"%|％|百分比|率$")),
    ("duration", re.compile(r"秒|分钟|小时|^s$|^sec|^min|^h$|^hr|时长")),
    ("score", re.compile(r"分制|满分|^\d+(?:\.\d+)?\s*-\s*\d+$|^\d+分$|^分$|points?|score")),
    ("currency", re.compile(r"元|¥|￥|rmb|cny|yuan")),
    ("count", re.compile(r"^(次|个|人|件|单|通|条|笔|个数|人数|次数|数量|count|no\.?)$")),
)


def unit_of_text(text: str | None) -> str | None:
    """The kind of unit a header's bracket or suffix names: ``(次)`` count, ``(秒)`` duration, ``(%)`` percent,
    ``(5分制)`` or ``(1-5)`` score, ``(元)`` currency."""
    if not text:
        return None
    lowered = unicodedata.normalize("NFKC", text).strip().lower()
    for unit, pattern in _UNIT_WORDS:
        if pattern.search(lowered):
            return unit
    return None


def _header_unit(header: str) -> str | None:
    parts = split_header(header.split("/")[-1])
    found = unit_of_text(parts.unit)
    if found:
        return found
    if parts.name.endswith("率"):
        return "percent"
    suffix = re.search(r"(/分钟|/秒|/小时|/次|\(%\)|%)$", header)
    return unit_of_text(suffix.group(1).lstrip("/")) if suffix else None


_DURATION_TEXT = re.compile(r"^\d+(?:\.\d+)?\s*(?:秒|分钟|分\d|小时|h|min|s)|^\d+:\d{2}")


def value_shape(samples: Sequence[object]) -> str | None:
    """What a column's first values look like: percent, duration, score (at most 5 or 10) or count."""
    shapes = set()
    for value in samples:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text:
            continue
        if text.endswith("%"):
            shapes.add("percent")
        elif _DURATION_TEXT.match(text):
            shapes.add("duration")
        elif text.endswith("分"):
            shapes.add("score")
        else:
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                continue
            if number.is_integer() and number > 10:
                shapes.add("count")
            elif 0 <= number <= 1 and not number.is_integer():
                shapes.add("fraction")
            elif number <= 10:
                shapes.add("score")
    if not shapes:
        return None
    if shapes <= {"percent", "fraction"}:
        return "percent"
    return shapes.pop() if len(shapes) == 1 else None


#: Units a header or value shape does not contradict: an integer column may hold counts, scores or
#: percent numbers; a score may be a plain number.
_COMPATIBLE = {("count", "score"), ("count", "number"), ("count", "percent"), ("count", "currency"),
               ("score", "number"), ("percent", "number")}


def _agreement(unit: str | None, *evidence: str | None) -> float:
    """Confidence added by a header unit or value shape that agrees with a field's unit, or taken away by one
    that contradicts it (a 5-point score against a percent field)."""
    bonus = 0.0
    for seen in evidence:
        if not seen or not unit:
            continue
        if seen == unit:
            bonus += 0.1
        elif (seen, unit) not in _COMPATIBLE:
            bonus -= 0.2
    return bonus


# --------------------------------------------------------------------------- matching


def _keys(header: str) -> list[str]:
    """The comparison keys of a header: whole, and the lower half of a two-level header."""
    keys = [normalise_header(header)]
    if "/" in header:
        keys.append(normalise_header(header.rsplit("/", 1)[-1]))
    return [key for key in dict.fromkeys(keys) if key]


def _samples(cells: Iterable[object]) -> tuple[str, ...]:
    found = []
    for value in cells:
        if value is None or (isinstance(value, float) and value != value):
            continue
        found.append(str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
        if len(found) == SAMPLE_COUNT:
            break
    return tuple(found)


def _similarity(key: str, spelling: str) -> float:
    """Character similarity of two normalised headers, counting only runs of two or more characters in
    common at full weight and single shared characters (量, 数) at half, raised when one contains the other."""
    if not key or not spelling:
        return 0.0
    blocks = SequenceMatcher(None, key, spelling, autojunk=False).get_matching_blocks()
    common = sum(b.size if b.size >= 2 else b.size / 2 for b in blocks)
    ratio = 2 * common / (len(key) + len(spelling))
    shorter, longer = sorted((key, spelling), key=len)
    if len(shorter) >= 2 and shorter in longer:
        ratio = max(ratio, 0.55 + 0.4 * len(shorter) / len(longer))
    return ratio


def match_columns(
    headers: Sequence[str],
    cells: Mapping[str, Sequence[object]],
    fields: Mapping[str, FieldSpellings],
    *,
    by_hand: Mapping[str, str | None] = {},  # noqa: B006 - read only
    from_profile: Mapping[str, str | None] = {},  # noqa: B006 - read only
    accept_guesses: bool = False,
) -> list[ColumnMatch]:
    """A match for every header in ``headers`` (the value columns of a file; identity columns left out).

    ``cells`` gives each column's first values, ``fields`` what can be imported. A field is taken by one
    column only: the surest claim wins.
    """
    exact_index: dict[str, list[str]] = {}
    alias_index: dict[str, list[str]] = {}
    for code, spelling in fields.items():
        for text in (code, *spelling.exact):
            key = normalise_header(text)
            if key and code not in exact_index.setdefault(key, []):
                exact_index[key].append(code)
        for text in spelling.aliases:
            key = normalise_header(text)
            if key and code not in alias_index.setdefault(key, []):
                alias_index[key].append(code)

    proposals: dict[str, ColumnMatch] = {}
    for header in headers:
        samples = _samples(cells.get(header, ()))
        unit, shape = _header_unit(header), value_shape(samples)
        if header in by_hand or header in from_profile:
            how = BY_HAND if header in by_hand else PROFILE
            target = by_hand[header] if header in by_hand else from_profile[header]
            proposals[header] = ColumnMatch(header, target, how if target else None, 1.0, samples)
            continue
        found = None
        for key in _keys(header):
            named = [(code, EXACT) for code in exact_index.get(key, ())]
            named += [(code, ALIAS) for code in alias_index.get(key, ()) if (code, EXACT) not in named]
            if named:
                # The unit in the header and the values' shape outrank exactness: ``CSAT (1-5)`` is the
                # 5-point score, not the percent KPI whose code is ``csat``.
                code, how = max(named, key=lambda pair: (_agreement(fields[pair[0]].unit, unit, shape) >= 0,
                                                         pair[1] == EXACT,
                                                         _agreement(fields[pair[0]].unit, unit, shape)))
                found = ColumnMatch(header, code, how, 1.0, samples)
                break
        if found is None:
            found = _guess(header, samples, unit, shape, fields, accept_guesses)
        proposals[header] = found

    # One column per field: the surest claim keeps it.
    order = {EXACT: 3, ALIAS: 2, GUESS: 1}
    ranked = sorted((p for p in proposals.values() if p.field and p.how in order),
                    key=lambda p: (order[p.how or ""], p.confidence), reverse=True)
    taken = {p.field for p in proposals.values() if p.field and p.how in (BY_HAND, PROFILE)}
    for proposal in ranked:
        if proposal.field is None:
            continue
        if proposal.field in taken:
            proposals[proposal.column] = ColumnMatch(proposal.column, None, None, 0.0, proposal.samples)
        else:
            taken.add(proposal.field)
    return [proposals[header] for header in headers]


def _guess(header: str, samples: tuple[str, ...], unit: str | None, shape: str | None,
           fields: Mapping[str, FieldSpellings], accept: bool) -> ColumnMatch:
    keys = _keys(header)
    best_code, best = None, 0.0
    for code, spelling in fields.items():
        texts = [normalise_header(t) for t in (code, *spelling.exact, *spelling.aliases)]
        similarity = max((_similarity(key, text) for key in keys for text in texts), default=0.0)
        if similarity < 0.5:
            continue
        score = min(similarity + _agreement(spelling.unit, unit, shape), 0.99)
        if score > best:
            best_code, best = code, score
    if best_code is None or best < WORTH_PROPOSING:
        return ColumnMatch(header, None, None, 0.0, samples)
    return ColumnMatch(header, best_code, GUESS, round(best, 2), samples, confirmed=accept or best >= SURE_ENOUGH)
