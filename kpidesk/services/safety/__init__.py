"""Keeping the data safe: who may do what, logins, the audit chain, the lock on finalized periods, backups
and restore, opening and copying databases, and the database's settings."""
