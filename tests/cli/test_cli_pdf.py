"""``kpidesk pdf`` and ``kpidesk chart`` on the demo database: files written, exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from tests_support.cli import run


def _text(path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def test_pdf_for_two_employees(demo, capsys, tmp_path):
    out = tmp_path / "sheets.pdf"
    code, stdout, err = run(capsys, "--db", demo, "pdf", "--period", "2025-10", "--employee", "CS001", "CS003",
                            "--no-charts", "--lang", "zh", "--out", str(out))
    assert code == 0, err
    text = _text(out)
    assert "王芳" in text and "刘洋" in text and "第 1 页 / 共" in text
    assert "2 " in stdout and str(out) in stdout


def test_pdf_of_an_open_period_warns_about_drafts(demo, capsys, tmp_path):
    out = tmp_path / "draft.pdf"
    code, _out, err = run(capsys, "--db", demo, "pdf", "--period", "2025-12", "--employee", "CS001", "--no-charts",
                          "--lang", "en", "--out", str(out))
    assert code == 0
    assert "draft" in err.lower()
    assert "DRAFT" in _text(out)


def test_pdf_split_with_summary(demo, capsys, tmp_path):
    folder = tmp_path / "out"
    code, stdout, err = run(capsys, "--db", demo, "pdf", "--period", "2025-10", "--department", "客户关怀部",
                            "--summary", "--no-charts", "--split", "--out", str(folder))
    assert code == 0, err
    names = sorted(p.name for p in folder.iterdir())
    assert "2025-10_客户关怀部_summary.pdf" in names
    assert "2025-10_CS001_王芳.pdf" in names
    assert len(names) >= 10


def test_pdf_year_sheet(demo, capsys, tmp_path):
    out = tmp_path / "year.pdf"
    code, _out, err = run(capsys, "--db", demo, "pdf", "--period", "2025-10", "--employee", "CS003", "--year-sheet",
                          "--no-charts", "--lang", "zh", "--out", str(out))
    assert code == 0, err
    assert "年度绩效考核表" in _text(out)


@pytest.mark.parametrize(("args", "expected"), [
    (("--employee", "NOPE"), 3),
    (("--no-sheets",), 3),
    (("--employee", "CS001", "--department", "客户关怀部"), 2),
])
def test_pdf_refuses_bad_requests(demo, capsys, tmp_path, args, expected):
    out = tmp_path / "x.pdf"
    code, _out, err = run(capsys, "--db", demo, "pdf", "--period", "2025-10", *args, "--out", str(out))
    assert code == expected
    assert err.strip()
    assert not out.exists()


def test_chart_png_and_svg(demo, capsys, tmp_path):
    png = tmp_path / "trend.png"
    code, _out, err = run(capsys, "--db", demo, "chart", "trend", "--period", "2025-12", "--employee", "CS003",
                          "--lang", "zh", "--out", str(png))
    assert code == 0, err
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = tmp_path / "team.svg"
    code, _out, err = run(capsys, "--db", demo, "chart", "team-trend", "--period", "2025-12", "--kpi", "csat",
                          "--department", "客户关怀部", "--out", str(svg))
    assert code == 0, err
    assert ET.fromstring(svg.read_bytes()).tag.endswith("svg")


@pytest.mark.parametrize(("args", "expected"), [
    (("trend", "--out", "x.jpg", "--employee", "CS003"), 3),
    (("trend", "--out", "x.png"), 3),
    (("team-trend", "--out", "x.png"), 3),
    (("bullet", "--out", "x.png", "--employee", "NOPE"), 3),
    (("pie", "--out", "x.png"), 2),
])
def test_chart_exit_codes(demo, capsys, tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(capsys, "--db", demo, "chart", args[0], "--period", "2025-10", *args[1:])
    assert code == expected
    assert err.strip()


def test_pdf_follows_the_organisation_language_and_lang_overrides_it(demo_db, capsys, tmp_path, monkeypatch):
    from kpidesk.services.actor import Actor, Role
    from kpidesk.services.safety.settings import update_settings

    with demo_db.write() as session:
        update_settings(session, Actor("admin", Role.ADMIN), document_language="zh_CN")
    path = str(demo_db.path)
    demo_db.dispose()
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    office = tmp_path / "office.pdf"
    code, _out, err = run(capsys, "--db", path, "pdf", "--period", "2025-10", "--employee", "CS001", "--no-charts",
                          "--out", str(office))
    assert code == 0, err
    assert "第 1 页 / 共" in _text(office)
    asked = tmp_path / "english.pdf"
    code, _out, err = run(capsys, "--db", path, "pdf", "--period", "2025-10", "--employee", "CS001", "--no-charts",
                          "--lang", "en", "--out", str(asked))
    assert code == 0, err
    assert "Page 1 of" in _text(asked)
