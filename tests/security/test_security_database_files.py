"""Files around the database: a backup folder replaced by a file is named for what it is."""

from __future__ import annotations

from pathlib import Path

from kpidesk.cli import main
from kpidesk.store.locations import backup_folder_for


def test_a_backup_folder_that_is_a_file_is_named_and_blocks_nothing_silently(cli_db, tmp_path, capsys):
    folder = backup_folder_for(Path(cli_db))
    if folder.exists():
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    folder.write_text("not a folder")
    people = tmp_path / "people.csv"
    people.write_text("工号,姓名\nCS901,新人\n", encoding="utf-8")

    code = main(["--db", cli_db, "import", str(people), "--kind", "staff"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"The backup folder {folder} is a file, not a folder" in err and "unexpected error" not in err
    assert main(["--db", cli_db, "backup"]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err

    folder.unlink()
    assert main(["--db", cli_db, "import", str(people), "--kind", "staff"]) == 0
    assert folder.is_dir() and any(folder.iterdir())
