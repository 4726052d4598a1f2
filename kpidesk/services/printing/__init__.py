"""Printed sheets: what goes on them, the data behind their charts, and verifying a sheet."""
