"""The built app's print check (`kpidesk-gui --self-check-print`), run here on the source tree."""

from __future__ import annotations

from pypdf import PdfReader


def test_self_check_prints_the_first_sheet_through_the_child_process(qtbot, demo_db, tmp_path, capsys):
    from kpidesk.ui.self_check import self_check_print

    path = demo_db.path
    demo_db.dispose()
    out = tmp_path / "check.pdf"
    assert self_check_print([str(out), str(path)]) == 0
    assert len(PdfReader(str(out)).pages) >= 1
    assert f"printed {out}" in capsys.readouterr().out


def test_self_check_fails_when_the_database_cannot_be_opened(qtbot, tmp_path, capsys):
    from kpidesk.ui.self_check import self_check_print

    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database")
    assert self_check_print([str(tmp_path / "never.pdf"), str(broken)]) == 1
    assert "error shown" in capsys.readouterr().err
    assert not (tmp_path / "never.pdf").exists()


def test_self_check_needs_two_arguments(capsys):
    from kpidesk.ui.self_check import self_check_print

    assert self_check_print(["only-one"]) == 2
    assert "usage" in capsys.readouterr().err
