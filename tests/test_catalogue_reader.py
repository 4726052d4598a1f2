"""The catalogue reader the window loads its translations with gives exactly what gettext's own reader gives,
for the shipped catalogue and for plural forms, and leaves any other layout to gettext."""

from __future__ import annotations

import gettext
import io
import struct

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kpidesk.i18n.catalogue import Catalogue, _messages
from kpidesk.resources import TRANSLATIONS_DIR


def _both(data: bytes) -> tuple[gettext.GNUTranslations, Catalogue]:
    return gettext.GNUTranslations(io.BytesIO(data)), Catalogue(io.BytesIO(data))


def _same(data: bytes) -> Catalogue:
    reference, ours = _both(data)
    assert ours._catalog == reference._catalog
    assert ours._info == reference._info and ours._charset == reference._charset
    assert [ours.plural(n) for n in range(5)] == [reference.plural(n) for n in range(5)]
    return ours


def _compiled(locale: str, messages: list) -> bytes:
    catalog = Catalog(locale=locale)
    for source, translation in messages:
        catalog.add(source, translation)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


@pytest.mark.parametrize("language", ["zh_CN"])
def test_the_shipped_catalogue_reads_as_gettext_reads_it(language):
    data = (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "kpidesk.mo").read_bytes()
    ours = _same(data)
    assert ours.gettext("&File") != "&File"
    assert ours.ngettext("{count} page", "{count} pages", 2) != "{count} pages"


def test_plural_forms_among_other_messages_land_where_gettext_files_them():
    data = _compiled("de", [
        ("Apple", "Apfel"),
        (("{n} file", "{n} files"), ("{n} Datei", "{n} Dateien")),
        ("Banana…", "Banane…"),
        (("{n} page", "{n} pages"), ("{n} Seite", "{n} Seiten")),
        ("中文", "Chinesisch"),
    ])
    ours = _same(data)
    assert _messages(data) is not None  # read by our reader, not handed to gettext
    assert ours.ngettext("{n} file", "{n} files", 3) == "{n} Dateien"
    assert ours.ngettext("{n} page", "{n} pages", 1) == "{n} Seite"
    assert ours.gettext("Banana…") == "Banane…" and ours.gettext("中文") == "Chinesisch"


def test_a_catalogue_laid_out_otherwise_is_read_by_gettext():
    data = _compiled("de", [("Apple", "Apfel"), ("Pear", "Birne")])
    magic, version, count, sources, translations = struct.unpack_from("<5I", data)
    table = list(struct.unpack_from(f"<{2 * count}I", data, translations))
    body = bytearray(data)  # the last translation moved to the end, after a gap
    last_length, last_offset = table[-2], table[-1]
    moved = len(body) + 3
    body += b"\0\0\0" + data[last_offset:last_offset + last_length] + b"\0"
    table[-1] = moved
    struct.pack_into(f"<{2 * count}I", body, translations, *table)
    assert _messages(bytes(body)) is None
    ours = _same(bytes(body))
    assert ours.gettext("Pear") == "Birne"


def test_a_catalogue_in_another_charset_is_read_by_gettext():
    catalog = Catalog(locale="de", charset="iso-8859-1")
    catalog.add("Street", "Straße")
    out = io.BytesIO()
    write_mo(out, catalog)
    ours = _same(out.getvalue())
    assert ours.gettext("Street") == "Straße"
