"""Compile the .po fragments of each language into its one kpidesk.mo.

Every area of the code keeps its own fragment (``core.po``, ``ui.po`` …) so the catalogue can grow
without everyone editing one file; the fragments are merged into the single gettext domain.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kpidesk.i18n import DOMAIN
from kpidesk.resources import TRANSLATIONS_DIR

FIXED_DATE = datetime(2025, 1, 1)


def merged_catalog(language_dir: Path) -> Catalog:
    # fixed dates: the compiled file must depend only on the translations, so a test can check it is current
    merged = Catalog(locale=language_dir.name, domain=DOMAIN, creation_date=FIXED_DATE, revision_date=FIXED_DATE)
    for po_file in sorted(language_dir.glob("*.po")):
        with po_file.open("rb") as fh:
            catalog = read_po(fh, locale=language_dir.name)
        for message in catalog:
            if message.id and message.string:
                merged.add(message.id, message.string)
    return merged


def compiled_bytes(language_dir: Path) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, merged_catalog(language_dir), use_fuzzy=False)
    return buffer.getvalue()


def mo_path(language_dir: Path) -> Path:
    return language_dir / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compile_all(root: Path = TRANSLATIONS_DIR) -> list[Path]:
    written = []
    for language_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        target = mo_path(language_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiled_bytes(language_dir))
        written.append(target)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path)
