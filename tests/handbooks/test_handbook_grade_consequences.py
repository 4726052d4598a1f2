"""Each grade's training need and staff level, as the handbooks' grade table gives them: an organisation
setting with the handbook's defaults, shown on results and printed on the sheet.

The expected values are written here by hand; the tests never read the handbook texts.
"""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kpidesk.domain.grades import GradeConsequence, consequence_of
from kpidesk.errors import ValidationError
from kpidesk.services.safety.settings import load_settings, update_settings

# 002 (客服评级 table): 优秀 → training 无, 资深客服; 良好 → 较强, 一级客服; 一般 → 强, 初级客服;
# 差 → 很强, 见习客服.
HANDBOOK = {
    "excellent": ("无", "资深客服"),
    "good": ("较强", "一级客服"),
    "fair": ("强", "初级客服"),
    "poor": ("很强", "见习客服"),
}


def test_new_databases_map_grades_as_the_handbook_does(db):
    with db.session() as session:
        mapping = load_settings(session).grade_consequences
    assert {row.grade: (row.training_need, row.staff_level) for row in mapping} == HANDBOOK
    assert consequence_of(mapping, "good") == GradeConsequence("good", "较强", "一级客服")
    assert consequence_of(mapping, None) is None and consequence_of(mapping, "A") is None


def test_the_mapping_is_changed_and_cleared_as_a_setting(db, actor):
    own = (GradeConsequence("excellent", "无", "组长候选"), GradeConsequence("poor", "脱岗培训", "见习客服"))
    with db.write() as session:
        assert update_settings(session, actor, grade_consequences=own) == ["grade_consequences"]
    with db.session() as session:
        assert load_settings(session).grade_consequences == own
    with db.write() as session, pytest.raises(ValidationError, match="only once"):
        update_settings(session, actor, grade_consequences=own + (GradeConsequence("poor", "", ""),))
    with db.write() as session:
        update_settings(session, actor, grade_consequences=())
    with db.session() as session:
        assert load_settings(session).grade_consequences == ()  # cleared stays cleared


def test_period_results_carry_each_persons_training_need_and_level(demo_db, actor):
    from kpidesk.services.appraisal.use_cases import period_results
    from kpidesk.ui.pages.results.data import KpiInfo, results_table

    read = period_results(demo_db, actor, "2025-11")
    kpis = {code: KpiInfo(label.code, label.name, label.unit) for code, label in read.kpis.items()}
    table, keys = results_table(read.scores, kpis, read.grade_consequences)
    frame = read.scores.frame
    graded = frame[frame["grade_code"].isin(list(HANDBOOK))]
    assert len(graded) > 3
    training = table.iloc[:, keys.index("training_need")]
    level = table.iloc[:, keys.index("staff_level")]
    for employee, code in graded["grade_code"].items():
        assert (training[employee], level[employee]) == HANDBOOK[code]
    _table, without = results_table(read.scores, kpis, ())
    assert "training_need" not in without


def test_the_sheet_prints_the_training_need_and_level(demo_db, actor, tmp_path):
    from kpidesk.services.appraisal.scoring import period_scores, score_records
    from kpidesk.services.printing.sheets import PrintRequest, print_documents

    with demo_db.session() as session:
        record = next(r for r in score_records(period_scores(session, "2025-10", actor=actor)) if r["staff_no"] == "CS003")
    training, level = HANDBOOK[record["grade_code"]]
    out = tmp_path / "cs003.pdf"
    print_documents(demo_db, actor, PrintRequest("2025-10", ("CS003",), lang="zh"), out, processes=1)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(out)).pages)
    assert "培训需求" in text and level in text and training in text
    with demo_db.write() as session:
        update_settings(session, actor, grade_consequences=())
    print_documents(demo_db, actor, PrintRequest("2025-10", ("CS003",), lang="zh"), out, processes=1)
    text = "\n".join(page.extract_text() or "" for page in PdfReader(str(out)).pages)
    assert "培训需求" not in text and level not in text
