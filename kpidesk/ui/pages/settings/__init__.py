"""The Settings page: organisation, grades, backups and the machine's preferences."""
