"""What the command-line tests share: the demo database as a path."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(demo_db):
    path = str(demo_db.path)
    demo_db.dispose()
    return path
