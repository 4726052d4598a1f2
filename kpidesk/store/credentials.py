"""Server passwords come from the system keyring, else libpq's own ``~/.pgpass`` / ``PGPASSFILE``,
never from a settings file."""

from __future__ import annotations

import logging

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)
KEYRING_SERVICE = "KPI Desk"


def keyring_account(url: URL) -> str:
    return f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def with_stored_password(url: URL) -> URL:
    """Fill in the password from the keyring when the URL has none; leave it to libpq otherwise."""
    if url.password or not url.username:
        return url
    try:
        import keyring

        password = keyring.get_password(KEYRING_SERVICE, keyring_account(url))
    except Exception:  # no usable keyring backend (headless Linux): libpq reads ~/.pgpass itself
        log.info("no usable system keyring; relying on PGPASSFILE/~/.pgpass", exc_info=True)
        return url
    return url.set(password=password) if password else url


def store_password(url: URL, password: str) -> bool:
    """Save in the keyring; False when there is no usable keyring (the caller says so to the user)."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_account(url), password)
    except Exception:
        log.info("could not store the password in a keyring", exc_info=True)
        return False
    return True
