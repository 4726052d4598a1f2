"""The exceptions services raise for people to read.

Each carries a message already rendered in the user's language and, where it applies, the place
(file, sheet, row, column) so the GUI can point at it and the CLI can print one line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class KpiDeskError(Exception):
    """Base of every error meant for the user; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str, place: Place | None = None):
        super().__init__(message)
        self.message = message
        self.place = place

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place and str(self.place) else self.message


class ValidationError(KpiDeskError):
    """Input that blocks the action (bad file, bad value, weights not 100 …)."""

    exit_code = 3


class NotFound(KpiDeskError):
    exit_code = 3


class LockedPeriodError(KpiDeskError):
    """A write to a finalized period."""

    exit_code = 3


class ConflictError(KpiDeskError):
    """Someone else changed the same data since it was read; nothing was overwritten."""

    exit_code = 1


class PermissionDenied(KpiDeskError):
    exit_code = 1


class CorruptDatabase(KpiDeskError):
    exit_code = 1


class WrongKey(KpiDeskError):
    """The passphrase or password given does not open an encrypted database file (``path``, when known)."""

    def __init__(self, message: str, path=None):
        super().__init__(message)
        self.path = path


class KeyNeeded(CorruptDatabase):
    """The file is encrypted (or is not a database at all) and no key for it is known on this computer."""

    def __init__(self, path):
        from kpidesk.i18n import _

        super().__init__(_(
            "{path} is encrypted, or it is not a database file. Enter its passphrase (the administrator's "
            "password when logins are on) to open it."
        ).format(path=path))
        self.path = path


class EncryptionUnavailable(KpiDeskError):
    """The SQLCipher library is not installed."""


class SchemaTooNew(KpiDeskError):
    """The database was written by a newer KPI Desk; we refuse to write to it."""

    exit_code = 1


class Cancelled(KpiDeskError):
    """The user cancelled a long operation; nothing was written."""

    exit_code = 1
