"""The Pay page and its pay rules editor."""
