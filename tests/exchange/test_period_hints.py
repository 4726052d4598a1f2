"""Months named by a file's name, sheet and title rows; dates with a day are when it was made."""

import pytest

from kpidesk.exchange.period_hints import months_in


@pytest.mark.parametrize(("text", "months"), [
    ("坐席月报_2025-11.xlsx", ["2025-11"]), ("客服中心坐席绩效月报（2025年11月）", ["2025-11"]),
    ("survey_202511.csv", ["2025-11"]), ("2025.11", ["2025-11"]), ("２０２５年１１月", ["2025-11"]),
    ("2025年11月份", ["2025-11"]), ("导出时间：2025-12-01 09:12", []), ("20251201", []),
    ("截至2025年11月30日", []), ("工号", []), (None, []),
])
def test_months_in_text(text, months):
    assert months_in(text) == months
