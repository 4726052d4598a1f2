"""A compiled catalogue (.mo) read a block at a time: the window's first frame waits for it.

gettext's own reader decodes and files each of the two thousand messages in a Python loop (about 2.5 ms
before the first paint). A .mo file as babel and msgfmt write it keeps all source strings, then all
translations, one after the other, each ended by a NUL; here each of the two blocks is decoded at once and
split. The header (charset, plural rule) is still read by gettext, and a file laid out otherwise, or in
another charset than UTF-8, is read by gettext entirely.
"""

from __future__ import annotations

import gettext
import io
import operator
import struct
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate
from typing import BinaryIO

LITTLE_ENDIAN_MAGIC = 0x950412DE


class Catalogue(gettext.GNUTranslations):
    """``gettext.GNUTranslations`` with the same lookups (plural forms included), loaded faster."""

    def _parse(self, fp: BinaryIO) -> None:
        data = fp.read()
        messages = _messages(data)
        if messages is None:
            super()._parse(io.BytesIO(data))
            return
        header, entries = messages
        super()._parse(io.BytesIO(_header_only(header)))  # sets the charset, the plural rule and the info
        if (self._charset or "").lower().replace("-", "") != "utf8":
            super()._parse(io.BytesIO(data))
            return
        catalog = self._catalog
        catalog.update(entries)
        for source in [source for source in catalog if "\0" in source]:
            # "singular\0plural": one translation per plural form, filed as gettext files them
            singular = source.split("\0", 1)[0]
            for index, form in enumerate(catalog.pop(source).split("\0")):
                catalog[(singular, index)] = form


def _messages(data: bytes) -> tuple[tuple[bytes, bytes], Iterable[tuple[str, str]]] | None:
    """The header's raw source and translation, and every other message decoded; None when the file is
    not a little-endian catalogue with both blocks contiguous and the header first."""
    if len(data) < 28:
        return None
    magic, version, count, sources_at, translations_at = struct.unpack_from("<5I", data)
    if magic != LITTLE_ENDIAN_MAGIC or version >> 16 not in (0, 1) or count < 1:
        return None
    try:
        sources = _block(data, struct.unpack_from(f"<{2 * count}I", data, sources_at))
        translations = _block(data, struct.unpack_from(f"<{2 * count}I", data, translations_at))
    except (struct.error, UnicodeDecodeError):
        return None
    if sources is None or translations is None or sources[0] != "":
        return None
    offsets = struct.unpack_from("<2I", data, translations_at)
    header = (b"", data[offsets[1]:offsets[1] + offsets[0]])
    return header, zip(sources[1:], translations[1:], strict=True)


def _block(data: bytes, table: tuple[int, ...]) -> list[str] | None:
    """The strings of one table (length, offset pairs), when they lie end to end, each followed by a NUL."""
    lengths, offsets = table[0::2], table[1::2]
    ends = list(map(operator.add, lengths, offsets))
    if list(map((1).__add__, ends[:-1])) != list(offsets[1:]) or ends[-1] > len(data):
        return None
    start = offsets[0]
    raw = data[start:ends[-1]]
    strings = raw.decode().split("\0")
    if len(strings) != len(lengths):
        # some strings hold NULs of their own (plural forms): join their pieces back together
        pieces = raw.split(b"\0")  # the same pieces as bytes, to tell where each NUL lies
        nul_after = list(accumulate(map((1).__add__, map(len, pieces))))  # where each piece's NUL lies, + 1
        inside = set(nul_after[:-1]).difference(map((1 - start).__add__, ends))
        for index in sorted((bisect_left(nul_after, after) for after in inside), reverse=True):
            strings[index:index + 2] = [strings[index] + "\0" + strings[index + 1]]
        if len(strings) != len(lengths):
            return None
    return strings


def _header_only(header: tuple[bytes, bytes]) -> bytes:
    """A catalogue holding only the header entry, for gettext to read its fields."""
    source, translation = header
    table = 28
    sources_table, translations_table = table, table + 8
    strings = translations_table + 8
    return (struct.pack("<7I", LITTLE_ENDIAN_MAGIC, 0, 1, sources_table, translations_table, 0, 0)
            + struct.pack("<2I", len(source), strings)
            + struct.pack("<2I", len(translation), strings + len(source) + 1)
            + source + b"\0" + translation + b"\0")
