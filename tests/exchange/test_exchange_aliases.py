import pytest

from kpidesk.exchange.aliases import (
    FIELD_ALIASES,
    alias_index,
    map_columns,
    match_header,
    normalise_header,
    score_header_row,
    split_header,
)


@pytest.mark.parametrize(
    "header, field",
    [
        ("工号", "staff_no"), ("员工编号", "staff_no"), ("Staff No.", "staff_no"), ("employee ID", "staff_no"),
        ("EMPLOYEE_ID", "staff_no"), ("员工 编号（必填）", "staff_no"), ("姓名", "name"), ("Name", "name"),
        ("考核周期", "period"), ("指标名称", "field"), ("实际值", "value"), ("*工号", "staff_no"),
    ],
)
def test_data_headers(header, field):
    assert match_header(header, alias_index("data")) == field


def test_kpi_table_headers_documented_in_the_issue():
    mapping = map_columns(
        ["指标名称", "指标定义", "计算公式", "单位", "基准值", "目标值", "挑战值", "权重", "数据来源", "考核周期"], "kpis"
    )
    assert mapping == {
        "指标名称": "name", "指标定义": "definition", "计算公式": "formula", "单位": "unit", "基准值": "baseline",
        "目标值": "target", "挑战值": "challenge", "权重": "weight", "数据来源": "data_source", "考核周期": "period",
    }


def test_overrides_win_and_can_ignore_a_column():
    mapping = map_columns(["工号", "坐席号", "姓名"], "data", overrides={"工号": None, "坐席号": "staff_no"})
    assert mapping == {"坐席号": "staff_no", "姓名": "name"}


def test_first_header_claims_a_field_and_hidden_columns_need_an_override():
    assert map_columns(["工号", "员工编号"], "data") == {"工号": "staff_no"}
    assert map_columns(["工号", "姓名"], "data", skip=["工号"]) == {"姓名": "name"}
    assert map_columns(["工号"], "data", skip=["工号"], overrides={"工号": "staff_no"}) == {"工号": "staff_no"}


def test_extra_aliases_extend_recognition():
    assert map_columns(["满意度评分(5分制)"], "data", extra={"满意度评分": "csat"}) == {"满意度评分(5分制)": "csat"}


def test_header_units_are_split_off():
    assert split_header("平均处理时长（分钟）") == split_header("平均处理时长(分钟)")
    assert split_header("平均处理时长（分钟）").unit == "分钟"
    assert split_header("平均处理时长（分钟）").name == "平均处理时长"
    assert normalise_header("Staff  No.") == "staffno"


def test_header_row_score_counts_distinct_fields():
    assert score_header_row(["工号", "员工编号", "姓名", "满意度"], "data") == 2
    assert score_header_row(["客服工单系统 · 坐席绩效导出"] * 9, "data") == 0


def test_every_kind_has_aliases():
    assert set(FIELD_ALIASES) == {"data", "staff", "kpis", "forms"}
    with pytest.raises(ValueError):
        alias_index("nope")
