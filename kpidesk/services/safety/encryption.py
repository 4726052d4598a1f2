"""Encrypting and decrypting a database file in place, and where its key comes from.

With logins on, the key is derived from the administrator's password (so a copied file opens on another
computer with that password); with logins off, from a passphrase the user gives or, when none is given, a
random one this computer keeps in its system keyring. Either way this computer remembers the derived key
in the keyring so opening stays transparent here. Converting needs the file to itself: the caller's handle
is closed, and a new one for the converted file is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kpidesk.errors import ValidationError, WrongKey
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.progress import ProgressCallback, report
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.gates import requires, touches_no_appraisal_data
from kpidesk.store import encryption
from kpidesk.store.db import Database, open_database


class KeySource(StrEnum):
    ADMIN_PASSWORD = "admin-password"  # logins on: the administrator's password
    PASSPHRASE = "passphrase"  # a passphrase the user chose
    KEYRING = "keyring"  # a random passphrase only this computer's keyring knows


@dataclass
class ConversionResult:
    db: Database  # the reopened database; the handle passed in is closed
    key_source: KeySource | None  # None after decrypting
    remembered: bool  # the key is in this computer's keyring
    plain_backups: int  # backups taken before encrypting, which stay readable without a key


def _require_file(db: Database) -> Path:
    if db.path is None or not db.path.exists():
        raise ValidationError(_("Only a database file can be encrypted or decrypted; use the server's own "
                                "encryption for a server database."))
    return db.path


@touches_no_appraisal_data
def logins_on(db: Database) -> bool:
    """Whether the database asks for logins (then its key is the administrator's password)."""
    from kpidesk.services.safety import auth

    with db.session() as session:
        return auth.access_enabled(session)


@requires(Permission.RESTORE)
def encrypt_database(db: Database, actor: Actor, passphrase: str | None = None, *,
                     progress: ProgressCallback | None = None) -> ConversionResult:
    """Encrypt the file in place. With logins on, ``passphrase`` must be the acting administrator's
    password; with logins off it is the user's passphrase, or None for a random key kept in the keyring."""
    require(actor, Permission.RESTORE)  # administrators only: it replaces the database file
    path = _require_file(db)
    if db.encrypted:
        raise ValidationError(_("{path} is already encrypted.").format(path=path))
    if logins_on(db):
        from kpidesk.services.safety.auth import log_in

        if not passphrase:
            raise ValidationError(_("With logins on, the database is encrypted with the administrator's password; "
                                    "enter it."))
        try:
            log_in(db, actor.name, passphrase)
        except Exception as exc:  # noqa: BLE001 - any refusal means this is not the actor's password
            raise WrongKey(_("That is not the password of {user}; the database was not encrypted.").format(
                user=actor.name)) from exc
        source = KeySource.ADMIN_PASSWORD
    elif passphrase:
        source = KeySource.PASSPHRASE
    else:
        source = KeySource.KEYRING
        passphrase = encryption.new_passphrase()
    key = encryption.new_key(passphrase)
    if source is KeySource.KEYRING and not encryption.remember_key(key):
        raise ValidationError(_("This computer has no usable keyring to keep the key in; encrypt with a "
                                "passphrase instead."))
    report(progress, 0, 4, _("Writing the new file"))
    db.dispose()
    steps = iter(range(1, 4))
    encryption.convert_in_place(path, current=None, wanted=key,
                                step=lambda text: report(progress, next(steps, 3), 4, text))
    remembered = source is KeySource.KEYRING or encryption.remember_key(key)
    reopened = open_database(path, passphrase=passphrase)
    with reopened.write() as session:
        audit.record(session, actor, "database.encrypt", entity="database", entity_id=path.name,
                     new={"key_source": source.value})
    report(progress, 4, 4, "")
    return ConversionResult(reopened, source, remembered, _plain_backups(reopened))


@requires(Permission.RESTORE)
def decrypt_database(db: Database, actor: Actor, *, progress: ProgressCallback | None = None) -> ConversionResult:
    """Store the file without encryption again. The key stays in the keyring: backups taken while the
    database was encrypted still need it."""
    require(actor, Permission.RESTORE)
    path = _require_file(db)
    if db.key is None:
        raise ValidationError(_("{path} is not encrypted.").format(path=path))
    key = db.key
    report(progress, 0, 4, _("Writing the new file"))
    db.dispose()
    steps = iter(range(1, 4))
    encryption.convert_in_place(path, current=key, wanted=None,
                                step=lambda text: report(progress, next(steps, 3), 4, text))
    reopened = open_database(path)
    with reopened.write() as session:
        audit.record(session, actor, "database.decrypt", entity="database", entity_id=path.name)
    report(progress, 4, 4, "")
    return ConversionResult(reopened, None, False, 0)


def _plain_backups(db: Database) -> int:
    from kpidesk.store import backups, sqlite

    if db.path is None or db.backup_dir is None:
        return 0
    return sum(1 for b in backups.list_backups(db.backup_dir, db.path.stem, include_damaged=True)
               if sqlite.is_sqlite_file(b.path))


def keyring_usable() -> bool:
    """Whether encrypting without a passphrase is possible here (the random key needs a keyring)."""
    return encryption.keyring_usable()
