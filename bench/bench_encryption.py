"""Benchmark: an encrypted database file against a plain one, for the two heavy jobs — importing a
long-form workbook end to end and recomputing a period's results (target: encrypted within 1.3× of plain).

The files and data are those of ``bench_import.py`` (the import) and ``bench_ui_stall.py`` (the office
that is recomputed); the encrypted copies are converted with the same code as ``kpidesk db encrypt``.

Run: ``python bench/bench_encryption.py`` (files go to ``bench/out/``; ``--staff N`` and ``--employees N``
for smaller runs).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import OUT, end_to_end, fresh_database, make_files, timed  # noqa: E402
from bench_ui_stall import PERIOD, build_office  # noqa: E402

PASSPHRASE = "bench passphrase"
TARGET = 1.3


def encrypted_copy(plain: Path, target: Path):
    """``plain`` copied to ``target`` and encrypted there; returns the database opened with its key."""
    from kpidesk.store import encryption
    from kpidesk.store.db import open_database

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(plain, target)
    encryption.convert_in_place(target, current=None, wanted=encryption.new_key(PASSPHRASE))
    return open_database(target, passphrase=PASSPHRASE)


def fresh_import_database(path: Path, staff: int, encrypted: bool):
    from kpidesk.store import encryption
    from kpidesk.store.db import open_database

    db = fresh_database(path, staff)
    if not encrypted:
        return db
    db.dispose()
    encryption.convert_in_place(path, current=None, wanted=encryption.new_key(PASSPHRASE))
    return open_database(path, passphrase=PASSPHRASE)


def recompute(db):
    from kpidesk.services.actor import Actor
    from kpidesk.services.appraisal.scoring import compute_scores

    def run():
        with db.session() as session:
            return compute_scores(session, Actor.local_owner(), PERIOD)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=500, help="staff in the imported workbook (× 12 × 20 rows)")
    parser.add_argument("--employees", type=int, default=500, help="employees in the recomputed office")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median and best shown)")
    args = parser.parse_args()
    from kpidesk.services.actor import Actor
    from kpidesk.store.db import open_database

    actor = Actor("bench")
    OUT.mkdir(parents=True, exist_ok=True)
    xlsx, _csv = make_files(args.staff)
    rows = args.staff * 12 * 20

    imports = {}
    for encrypted in (False, True):
        label = "encrypted" if encrypted else "plain"
        path = OUT / f"bench_enc_import_{label}.db"
        result, imports[label] = timed(
            f"import {rows} rows .xlsx, {label} file", end_to_end(None, xlsx, actor), args.repeat,
            setup=lambda path=path, encrypted=encrypted: fresh_import_database(path, args.staff, encrypted))
        assert result.counts["inserted"] == rows, result.counts

    office = OUT / f"bench_enc_office_{args.employees}.db"
    if not office.exists():
        build_office(office, args.employees)
    plain = open_database(office)
    encrypted_db = encrypted_copy(office, OUT / f"bench_enc_office_{args.employees}-encrypted.db")
    recomputes = {}
    for db in (plain, encrypted_db):  # the first computation loads modules and fills caches: not timed
        recompute(db)()
    for label, db in (("plain", plain), ("encrypted", encrypted_db)):
        scores, recomputes[label] = timed(f"recompute {args.employees} employees, {label} file", recompute(db),
                                          args.repeat)
        assert len(scores.frame) == args.employees
        db.dispose()

    import_ratio = imports["encrypted"] / imports["plain"]
    recompute_ratio = recomputes["encrypted"] / recomputes["plain"]
    print(f"ratio encrypted / plain (medians): import {import_ratio:.2f}, recompute {recompute_ratio:.2f} "
          f"(target ≤ {TARGET})")
    print(f"summary: import plain {imports['plain']:.2f} s, encrypted {imports['encrypted']:.2f} s; "
          f"recompute plain {recomputes['plain']:.2f} s, encrypted {recomputes['encrypted']:.2f} s")


if __name__ == "__main__":
    main()
