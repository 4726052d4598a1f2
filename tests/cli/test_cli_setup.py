import json
import subprocess
import sys

from kpidesk.cli import main


def test_demo_then_info_prints_non_zero_counts(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["employees"] > 0 and data["counts"]["measurements"] > 0
    assert data["schema_version"] == data["schema_head"]
    assert [p["code"] for p in data["periods"]][-1] == "2025-12"


def test_demo_refuses_a_used_database_with_exit_code_3(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "init", "--starter", "customer-service"]) == 0
    assert main(["--db", db, "demo"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["no-such-command"]) == 2


def test_environment_variable_chooses_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KPIDESK_DB", str(tmp_path / "env.db"))
    assert main(["init"]) == 0
    assert (tmp_path / "env.db").exists()


def test_default_database_lives_in_the_user_data_folder(tmp_path, capsys):
    assert main(["info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["path"].endswith("kpidesk.db")
    assert "KPI Desk" in data["path"]


def test_chinese_messages_with_lang(tmp_path, capsys):
    assert main(["--lang", "zh", "--db", str(tmp_path / "x.db"), "init"]) == 0
    assert "数据库" in capsys.readouterr().out


def test_python_dash_m_and_help_work():
    result = subprocess.run([sys.executable, "-m", "kpidesk", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "init" in result.stdout and "demo" in result.stdout


def test_db_check_reports_a_sound_database(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "db", "check"]) == 0
    assert main(["--db", db, "db", "upgrade"]) == 0


def test_output_piped_into_a_closed_reader_is_not_an_error(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "init"]) == 0

    class ClosedPipe:
        """Like stdout after `| head` has exited: every write fails with EPIPE."""

        def __init__(self, fd):
            self._fd = fd

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

        def fileno(self):
            return self._fd

    with open(tmp_path / "sink", "w") as sink:
        monkeypatch.setattr(sys, "stdout", ClosedPipe(sink.fileno()))
        assert main(["--db", db, "info"]) == 0
    assert "unexpected error" not in capsys.readouterr().err


def test_a_damaged_database_is_named_with_its_newest_good_backup(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "backup"]) == 0
    capsys.readouterr()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])  # truncated, as after a failed copy
    assert main(["--db", str(db), "info"]) == 1
    err = capsys.readouterr().err
    assert "restore --newest" in err and "Traceback" not in err
    assert db.read_bytes() == data[: len(data) // 3], "the damaged file is never overwritten"


def test_demo_with_a_size_generates_that_many_people_over_a_year(tmp_path, capsys):
    db = str(tmp_path / "office.db")
    assert main(["--db", db, "demo", "--size", "50"]) == 0
    assert "50" in capsys.readouterr().out
    assert main(["--db", db, "info", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["employees"] == 50 and len(data["periods"]) == 12
    assert data["counts"]["measurements"] >= 50 * 12 * 30
