"""Recognising column headers in Chinese and English.

Every kind of import (performance data, staff list, KPI table, filled forms) has a few *canonical
fields*; each is known under many header spellings (工号 / 员工编号 / staff no / employee id …). Headers are
compared after :func:`normalise_header` (NFKC, lower case, no spaces or punctuation, the bracketed unit
taken off), so ``员工 编号（必填）`` and ``Staff No.`` both match.

The documented, accepted columns per kind are the keys and aliases of :data:`FIELD_ALIASES`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from kpidesk.i18n import N_

DATA = "data"
STAFF = "staff"
KPIS = "kpis"
FORMS = "forms"
KINDS = (DATA, STAFF, KPIS, FORMS)

_IDENTITY = {
    "staff_no": ("工号", "员工工号", "员工编号", "员工号", "职工号", "人员编号", "编号", "坐席工号", "坐席号", "客服工号",
                 "staff no", "staff number", "staff id", "employee id", "employee no", "employee number",
                 "emp id", "emp no", "agent id", "id"),
    "name": ("姓名", "员工姓名", "名字", "坐席姓名", "客服姓名", "员工", "被考核人", "name", "employee name",
             "staff name", "full name", "agent", "agent name"),
    "department": ("部门", "所属部门", "部门名称", "department", "dept"),
}

#: kind → canonical field → header aliases (the first alias is the one shown in templates).
FIELD_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    DATA: {
        **_IDENTITY,
        "period": ("考核周期", "周期", "期间", "考核期间", "月份", "年月", "统计月份", "统计周期", "period", "month"),
        "field": ("指标", "指标名称", "字段", "数据项", "项目", "考核指标", "kpi", "field", "metric", "indicator", "measure"),
        "value": ("数值", "值", "实际值", "完成值", "实绩", "结果", "value", "actual", "actual value"),
        "unit": ("单位", "unit"),
    },
    STAFF: {
        **_IDENTITY,
        "team": ("班组", "小组", "组别", "团队", "team", "group"),
        "position": ("岗位", "职位", "岗位名称", "职务", "position", "job", "job title", "title", "role"),
        "manager": ("直属上级", "上级", "直接上级", "主管", "汇报对象", "manager", "supervisor", "line manager",
                    "reports to"),
        "hire_date": ("入职日期", "入职时间", "到岗日期", "hire date", "join date", "joined", "start date"),
        "leave_date": ("离职日期", "离职时间", "leave date", "end date", "left"),
        "email": ("邮箱", "电子邮箱", "email", "e-mail"),
        "status": ("状态", "在职状态", "status"),
        "base_pay": ("底薪", "基本工资", "基础工资", "月薪", "base pay", "base salary", "basic salary"),
    },
    KPIS: {
        "seq": ("序号", "no", "#", "seq"),
        "code": ("指标编码", "指标代码", "编码", "代码", "code", "kpi code"),
        "perspective": ("维度", "考核维度", "层面", "角度", "bsc维度", "perspective", "dimension"),
        "category": ("类别", "指标类别", "分类", "category", "type"),
        "name": ("指标名称", "指标", "kpi", "kpi name", "name", "indicator"),
        "name_en": ("英文名称", "english name", "name en"),
        "definition": ("指标定义", "定义", "指标说明", "说明", "definition", "description"),
        "formula": ("计算公式", "公式", "计算方法", "计算方式", "formula", "calculation"),
        "unit": ("单位", "计量单位", "unit"),
        "direction": ("方向", "指标方向", "极性", "direction", "polarity"),
        "baseline": ("基准值", "基本值", "门槛值", "底线值", "及格值", "baseline", "threshold", "base"),
        "target": ("目标值", "目标", "target"),
        "challenge": ("挑战值", "挑战目标", "卓越值", "challenge", "stretch", "stretch target"),
        "data_source": ("数据来源", "数据源", "来源", "data source", "source"),
        "period": ("考核周期", "周期", "频率", "考核频率", "period", "frequency"),
        "weight": ("权重", "比重", "权重(%)", "weight", "weighting"),
    },
    FORMS: {
        **_IDENTITY,
        "rater": ("评价人", "评分人", "评价者", "考核人", "rater", "reviewer", "rated by"),
        "rater_role": ("评价角色", "评价类型", "角色", "rater role", "role"),
        "period": ("考核周期", "周期", "期间", "period"),
        "comment": ("评语", "备注", "意见", "comment", "comments", "remark"),
    },
}

#: Fields a table of each kind must have before anything can be imported.
REQUIRED: dict[str, tuple[str, ...]] = {
    DATA: ("staff_no",),
    STAFF: ("staff_no", "name"),
    KPIS: ("name",),
    FORMS: ("staff_no",),
}

#: Names people see for each canonical field.
FIELD_LABELS = {
    "staff_no": N_("staff number"),
    "name": N_("name"),
    "department": N_("department"),
    "period": N_("period"),
    "field": N_("field or KPI"),
    "value": N_("value"),
    "unit": N_("unit"),
    "team": N_("team"),
    "position": N_("position"),
    "manager": N_("manager"),
    "hire_date": N_("hire date"),
    "leave_date": N_("leave date"),
    "email": N_("email"),
    "status": N_("status"),
    "base_pay": N_("base pay"),
    "seq": N_("number"),
    "code": N_("code"),
    "perspective": N_("perspective"),
    "category": N_("category"),
    "name_en": N_("English name"),
    "definition": N_("definition"),
    "formula": N_("formula"),
    "direction": N_("direction"),
    "baseline": N_("baseline"),
    "target": N_("target"),
    "challenge": N_("challenge"),
    "data_source": N_("data source"),
    "weight": N_("weight"),
    "rater": N_("rater"),
    "rater_role": N_("rater role"),
    "comment": N_("comment"),
}

#: The hidden sheet of an import template: header → field code, so a filled template needs no mapping.
TEMPLATE_FIELDS_SHEET = "字段说明"

#: Labels that read better for one kind than the shared ones.
KIND_FIELD_LABELS = {(KPIS, "name"): N_("KPI name"), (KPIS, "period"): N_("appraisal period")}


def field_label(kind: str, canonical: str) -> str:
    """The untranslated label of a canonical field (pass it through ``_`` to show it)."""
    return KIND_FIELD_LABELS.get((kind, canonical)) or FIELD_LABELS.get(canonical, canonical)


_BRACKETS = re.compile(r"[（(\[【{<《]([^）)\]】}>》]*)[）)\]】}>》]")
_NOISE = re.compile(r"[\s\u3000_\-\.:：*＊#·•/\\|'\"“”‘’,，、;；?？!！]+")


@dataclass(frozen=True)
class HeaderParts:
    """A header split into its name and the unit written in brackets (``平均处理时长（分钟）``)."""

    name: str
    unit: str | None


def split_header(header: object) -> HeaderParts:
    text = unicodedata.normalize("NFKC", "" if header is None else str(header)).strip()
    unit = None
    for match in _BRACKETS.finditer(text):
        unit = match.group(1).strip() or unit
    base = _BRACKETS.sub("", text).strip()
    return HeaderParts(base or text, unit)


def normalise_header(header: object) -> str:
    """The comparison key of a header or alias: its name without brackets, case, spaces or punctuation."""
    name = split_header(header).name
    return _NOISE.sub("", name.lower())


def _full_key(header: object) -> str:
    text = unicodedata.normalize("NFKC", "" if header is None else str(header))
    return _NOISE.sub("", text.lower())


@lru_cache(maxsize=8)
def _builtin_index(kind: str) -> dict[str, str]:
    if kind not in FIELD_ALIASES:
        raise ValueError(f"unknown import kind {kind!r}")
    index: dict[str, str] = {}
    for field, aliases in FIELD_ALIASES[kind].items():
        for alias in (field, *aliases):
            key = _full_key(alias)
            if key:
                index.setdefault(key, field)
    return index


def alias_index(kind: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalised alias → canonical field for ``kind``; ``extra`` adds header → field pairs."""
    index = dict(_builtin_index(kind))
    for header, field in (extra or {}).items():
        for key in (_full_key(header), normalise_header(header)):
            if key:
                index[key] = field
    return index


def build_index(pairs: Iterable[tuple[object, str]]) -> dict[str, str]:
    """A lookup for :func:`match_header` from (name, target) pairs; the first pair claiming a key wins."""
    index: dict[str, str] = {}
    for name, target in pairs:
        for key in (_full_key(name), normalise_header(name)):
            if key:
                index.setdefault(key, target)
    return index


def match_header(header: object, index: Mapping[str, str]) -> str | None:
    """The canonical field a header stands for, trying the full text first, then without the bracket."""
    for key in (_full_key(header), normalise_header(header)):
        if key and key in index:
            return index[key]
    return None


def map_columns(
    headers: Iterable[object],
    kind: str,
    *,
    overrides: Mapping[str, str | None] | None = None,
    extra: Mapping[str, str] | None = None,
    skip: Iterable[object] = (),
) -> dict[str, str]:
    """Map header → canonical field for the headers that are recognised.

    ``overrides`` (header → field, or None to ignore that column) wins over recognition; it is what an
    import profile stores. Each field is taken by the first header that claims it; headers in ``skip``
    (hidden columns) are recognised only through an override.
    """
    overrides = dict(overrides or {})
    skipped = {str(h) for h in skip}
    index = alias_index(kind, extra)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    texts = [str(h) for h in headers]
    for header in texts:
        if header in overrides:
            field = overrides[header]
            if field:
                mapping[header] = field
                taken.add(field)
    for header in texts:
        if header in overrides or header in skipped:
            continue
        matched = match_header(header, index)
        if matched and matched not in taken:
            mapping[header] = matched
            taken.add(matched)
    return mapping


def score_header_row(cells: Iterable[object], kind: str) -> int:
    """How many distinct canonical fields of ``kind`` a row of cells names (for header detection)."""
    index = _builtin_index(kind)
    found = set()
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            field = match_header(cell, index)
            if field:
                found.add(field)
    return len(found)


#: Columns only a table of the kind carries (a performance-data file has staff numbers, names and
#: departments too, so those tell nothing).
TELLING_COLUMNS: dict[str, frozenset[str]] = {
    STAFF: frozenset({"team", "position", "manager", "hire_date", "leave_date", "email", "status", "base_pay"}),
    KPIS: frozenset({"weight", "formula", "target", "baseline", "challenge", "definition", "perspective"}),
}


def telling_headers(headers: Iterable[object], kind: str) -> list[str]:
    """The headers that name columns only a table of ``kind`` carries: two of them say what a file is."""
    index = alias_index(kind)
    return [str(h) for h in headers if match_header(h, index) in TELLING_COLUMNS[kind]]
