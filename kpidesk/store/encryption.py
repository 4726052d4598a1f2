"""Encrypted database files (SQLCipher): keys, the keyring, connections and converting a file in place.

SQLCipher is handed a raw 32-byte key derived with scrypt from a passphrase (the administrator's password
when logins are on) and the file's own salt (its first 16 bytes), so opening a connection costs no key
stretching and the plain path never loads SQLCipher at all. This computer remembers the derived key (never
the passphrase) in the system keyring under the salt, so the file, its copies and its backups open without
asking.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kpidesk.errors import CorruptDatabase, EncryptionUnavailable, KeyNeeded, WrongKey
from kpidesk.i18n import _

log = logging.getLogger(__name__)

SALT_BYTES = 16
KEY_BYTES = 32
KEYRING_SERVICE = "KPI Desk database key"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# scrypt cost: about 0.1 s and 16 MB once per open, which makes guessing passphrases expensive
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class FileKey:
    """The raw SQLCipher key of one file and the salt it was derived with."""

    key: bytes
    salt: bytes

    def __repr__(self) -> str:  # never print the key
        return f"FileKey(salt={self.salt.hex()})"

    @property
    def pragma_value(self) -> str:
        """SQLCipher's raw-key form: key and salt in hex, so no key derivation runs on each connection."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"


def dbapi() -> ModuleType:
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:  # pragma: no cover - a dependency; only a broken install lacks it
        raise EncryptionUnavailable(_("Encryption needs the sqlcipher3 package, which is not installed.")) from exc
    return dbapi2


def derive(passphrase: str, salt: bytes) -> FileKey:
    if not passphrase:
        raise WrongKey(_("An empty passphrase cannot protect a database."))
    key = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, dklen=KEY_BYTES, maxmem=64 * 1024 * 1024, **_SCRYPT)
    return FileKey(key=key, salt=salt)


def new_key(passphrase: str) -> FileKey:
    return derive(passphrase, os.urandom(SALT_BYTES))


def new_passphrase() -> str:
    """A passphrase for a database nobody types a password for (kept in the keyring)."""
    return secrets.token_urlsafe(24)


def looks_encrypted(path: Path) -> bool:
    """Whole pages of random-looking bytes without the SQLite header: what an encrypted file looks like from
    outside (a file overwritten with zeros or text is damaged, not encrypted)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            start = fh.read(1024)
    except OSError:
        return False
    random_looking = len(set(start)) > 128  # ciphertext uses nearly all 256 byte values
    return size >= 1024 and size % 512 == 0 and start[:16] != _SQLITE_MAGIC and random_looking


def file_salt(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(SALT_BYTES)


def connect(path: Path, key: FileKey, *, read_only: bool = False, timeout: float = 5.0,
            check_same_thread: bool = True) -> Any:
    """A SQLCipher connection with the key set and proven: a wrong key raises :class:`WrongKey`."""
    module = dbapi()
    target = f"file:{path}?mode=ro" if read_only else str(path)
    con = module.connect(target, uri=read_only, timeout=timeout, check_same_thread=check_same_thread)
    try:
        con.execute("PRAGMA cipher_log_level = NONE")
        con.execute(f'PRAGMA key = "{key.pragma_value}"')
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary tables never reach the disk in clear
    except module.DatabaseError as exc:
        con.close()
        if "not a database" in str(exc).lower():
            raise WrongKey(_(
                "The passphrase does not open {path}. Check it (with logins on it is the administrator's "
                "password at the time the database was encrypted) and try again."
            ).format(path=path), path) from None
        raise
    return con


def check_key(path: Path, key: FileKey) -> None:
    connect(path, key, read_only=True).close()


# --------------------------------------------------------------------------- the keyring


def remembered_key(path: Path) -> FileKey | None:
    """The key this computer keeps for the file's salt, or None (also when there is no usable keyring)."""
    try:
        salt = file_salt(path)
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, salt.hex())
    except Exception:  # noqa: BLE001 - no keyring backend is the same as no stored key
        log.info("no key from the keyring", exc_info=True)
        return None
    if not stored:
        return None
    try:
        return FileKey(key=bytes.fromhex(stored), salt=salt)
    except ValueError:
        return None


def keyring_usable() -> bool:
    """Whether this computer has a keyring to keep keys in (headless systems often have none)."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001
        return False


def remember_key(key: FileKey) -> bool:
    """Keep the key in the keyring; False when there is no usable keyring."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, key.salt.hex(), key.key.hex())
    except Exception:  # noqa: BLE001
        log.info("could not store the database key in a keyring", exc_info=True)
        return False
    return True


def key_for(path: Path, passphrase: str | None = None) -> FileKey:
    """The key of an encrypted file: from the passphrase when one is given, else from the keyring."""
    if passphrase:
        return derive(passphrase, file_salt(path))
    key = remembered_key(path)
    if key is None:
        raise KeyNeeded(path)
    return key


# --------------------------------------------------------------------------- converting a file


def _tables_and_counts(con: Any) -> dict[str, int]:
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _open_any(path: Path, key: FileKey | None, *, read_only: bool = False) -> Any:
    if key is not None:
        return connect(path, key, read_only=read_only)
    target = f"file:{path}?mode=ro" if read_only else str(path)
    return dbapi().connect(target, uri=read_only)


def _export(source: Path, source_key: FileKey | None, out: Path, out_key: FileKey | None) -> None:
    """Copy every page's content into a new file with another key (None: plain), schema version included."""
    out.unlink(missing_ok=True)
    con = _open_any(source, source_key)
    try:
        con.execute("PRAGMA journal_mode=DELETE")  # fold a write-ahead log into the file first
        user_version = con.execute("PRAGMA user_version").fetchone()[0]
        attach_key = out_key.pragma_value if out_key is not None else ""
        con.execute(f"ATTACH DATABASE ? AS converted KEY \"{attach_key}\"", (str(out),))
        con.execute("SELECT sqlcipher_export('converted')")
        con.execute(f"PRAGMA converted.user_version = {int(user_version)}")
        con.execute("DETACH DATABASE converted")
    finally:
        con.close()


def _verify_copy(source: Path, source_key: FileKey | None, copy: Path, copy_key: FileKey | None) -> None:
    original = _open_any(source, source_key, read_only=True)
    converted = _open_any(copy, copy_key, read_only=True)
    try:
        problems = [r[0] for r in converted.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise CorruptDatabase(_("The converted copy fails its integrity check: {detail}").format(
                detail="; ".join(map(str, problems[:5]))))
        if _tables_and_counts(original) != _tables_and_counts(converted):
            raise CorruptDatabase(_("The converted copy does not hold the same rows; the original was kept."))
    finally:
        converted.close()
        original.close()


def _journal_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def convert_in_place(path: Path, *, current: FileKey | None, wanted: FileKey | None,
                     step: Callable[[str], None] | None = None) -> None:
    """Encrypt, decrypt or change the key of a file nobody has open: write a new file beside it, verify it
    (integrity and every table's row count), and only then replace the original with it."""
    step = step or (lambda _text: None)
    work = path.with_name(path.name + ".converting")
    try:
        step(_("Writing the new file"))
        _export(path, current, work, wanted)
        step(_("Verifying the new file"))
        _verify_copy(path, current, work, wanted)
        step(_("Replacing the database"))
        for sidecar in _journal_files(path):  # journals of the old file would damage the new one
            sidecar.unlink(missing_ok=True)
        os.replace(work, path)
    finally:
        work.unlink(missing_ok=True)
        for sidecar in _journal_files(work):
            sidecar.unlink(missing_ok=True)
