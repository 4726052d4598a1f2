"""File › Connect to a server database: the same window on a PostgreSQL database; no password kept in settings."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url
from tests_support.server import fresh_database, server_url


@pytest.fixture
def server_demo(_demo_template):
    if not server_url():
        if os.environ.get("CI"):
            pytest.fail("CI must provide KPIDESK_TEST_PG_URL (see .ci/run)")
        pytest.skip("no PostgreSQL server (set KPIDESK_TEST_PG_URL)")
    with fresh_database("demo", demo_file=_demo_template) as url:
        yield url


def test_connecting_to_a_server_opens_its_data_and_keeps_no_password(make_window, server_demo, dialogs,
                                                                       ui_settings, qtbot):
    typed = make_url(server_demo).set(password="s3cret-typed").render_as_string(hide_password=False)
    dialogs.queue(typed)
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.connect_to_server()
    assert window.ctx.db is not None
    assert window.ctx.db.url.get_backend_name() == "postgresql"
    assert window.ctx.period_code == "2025-12"
    ui_settings.sync()
    assert "s3cret-typed" not in open(ui_settings.fileName(), encoding="utf-8").read()


def test_an_address_that_is_not_a_server_is_refused_with_a_message(make_window, dialogs, qtbot):
    dialogs.queue("C:/data/kpidesk.db")
    window = make_window()
    window.connect_to_server()
    assert window.ctx.db is None
    assert dialogs.messages("warning") == ["That is not a server database address."]
