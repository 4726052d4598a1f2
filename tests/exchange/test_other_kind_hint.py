"""A file imported as the wrong kind says what it looks like, instead of only naming the missing column."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpidesk.errors import ValidationError
from kpidesk.exchange.readers import read_table
from kpidesk.i18n import set_language

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize(("file", "kind", "hint"), [
    ("staff_list.xlsx", "kpis", "it looks like a staff list; import it as a staff list"),
    ("hr_kpi_table.xlsx", "data", "it looks like a KPI table; import it as a KPI table"),
    ("hr_kpi_table.xlsx", "staff", "it looks like a KPI table; import it as a KPI table"),
])
def test_a_file_of_another_kind_is_named_for_what_it_is(file, kind, hint):
    with pytest.raises(ValidationError) as caught:
        read_table(DATA / file, kind=kind)
    message = str(caught.value)
    assert "no column for" in message and message.endswith(hint)
    assert caught.value.place is not None and caught.value.place.file == file


def test_a_file_of_its_own_kind_missing_a_column_gets_no_hint(tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("姓名,一次解决率\n王芳,88%\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_table(path, kind="data")
    assert "looks like" not in str(caught.value)


def test_the_hint_is_translated():
    set_language("zh_CN")
    with pytest.raises(ValidationError) as caught:
        read_table(DATA / "hr_kpi_table.xlsx", kind="data")
    assert str(caught.value).endswith("；看起来是一张指标表，请按指标表导入")
