"""Tracebacks go to a log file in the user's log folder, never to the user's screen."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

_configured = False


def log_file() -> Path:
    override = os.environ.get("KPIDESK_LOG")
    return Path(override) if override else user_log_path("KPI Desk", appauthor=False) / "kpidesk.log"


def configure_logging(level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    _configured = True
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kpidesk")
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
