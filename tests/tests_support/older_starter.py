"""A database made from an older customer-service starter library, for the starter update tests."""

from __future__ import annotations

from pathlib import Path

from kpidesk.resources import STARTER_DIR


def older_customer_service(tmp_path: Path) -> tuple[Path, int]:
    """The current file turned back one version: csat typed in only, csr weighing csat 25 and fcr 15, and
    no specialist or senior manager template. Returns the file and the version it claims."""
    text = (STARTER_DIR / "customer-service.toml").read_text(encoding="utf-8")
    version_line = next(line for line in text.splitlines() if line.startswith("version = "))
    current = int(version_line.split("=")[1])
    older = text.replace(version_line, f"version = {current - 1}")
    older = older.replace('formula = "first(csat, survey_score / 5 * 100)"\n', "")
    older = older.replace('  { kpi = "fcr", weight = 20 },\n  { kpi = "csat", weight = 20 },',
                          '  { kpi = "fcr", weight = 15 },\n  { kpi = "csat", weight = 25 },')
    older = older[:older.index('[[templates]]\nkey = "specialist"')]
    assert older.count("[[templates]]\nkey") == 4
    path = tmp_path / "customer-service-older.toml"
    path.write_text(older, encoding="utf-8")
    return path, current - 1


def install_older(db, actor, tmp_path: Path) -> int:
    from kpidesk.services.library.starter import install_starter

    path, version = older_customer_service(tmp_path)
    with db.write() as session:
        install_starter(session, actor, "customer-service", path=path)
    return version
