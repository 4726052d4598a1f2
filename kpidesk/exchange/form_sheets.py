"""Form sheets for people who rate on paper or in Excel: write a fillable workbook, read a filled one.

The fillable sheet has one row per employee × rater and one column per criterion (with a drop-down of
the level labels), a comment column after each criterion, a column per free-text section, a guide sheet
with every criterion's behaviour anchors, and a hidden sheet naming the form version and period. A hidden
row under the header holds each column's key, so a returned sheet is read by key; a sheet typed by hand
without it is read by its header texts (criterion titles in Chinese or English).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kpidesk.domain.forms import Form, RaterRole
from kpidesk.errors import Place, ValidationError
from kpidesk.exchange.aliases import STAFF, telling_headers
from kpidesk.exchange.grids import open_workbook
from kpidesk.exchange.header_dictionary import HEADERS_SHOWN, value_headers
from kpidesk.exchange.neutralise import neutralise, unneutralise
from kpidesk.exchange.non_data_rows import SkippedRow, row_summary_reason
from kpidesk.i18n import _

META_SHEET = "_kpidesk"
FORM_SHEET = "考核表 Form"
GUIDE_SHEET = "说明 Guide"
KEY_STAFF_NO = "staff_no"
KEY_NAME = "name"
KEY_ROLE = "role"
KEY_RATER = "rater_staff_no"
KEY_RATER_NAME = "rater_name"
KEY_ANONYMOUS = "anonymous"
LEVEL, COMMENT, TEXT = "level:", "comment:", "text:"

ROLE_TEXT = {
    RaterRole.SELF: ("自评", "self"),
    RaterRole.MANAGER: ("上级", "manager"),
    RaterRole.PEER: ("同事", "peer"),
    RaterRole.HR: ("人事", "HR"),
}
_ROLE_ALIASES = {
    "自评": RaterRole.SELF,
    "本人": RaterRole.SELF,
    "self": RaterRole.SELF,
    "上级": RaterRole.MANAGER,
    "上级评": RaterRole.MANAGER,
    "主管": RaterRole.MANAGER,
    "经理": RaterRole.MANAGER,
    "manager": RaterRole.MANAGER,
    "同事": RaterRole.PEER,
    "同事评": RaterRole.PEER,
    "同级": RaterRole.PEER,
    "下属": RaterRole.PEER,
    "peer": RaterRole.PEER,
    "人事": RaterRole.HR,
    "人力资源": RaterRole.HR,
    "hr": RaterRole.HR,
}
_YES = {"是", "yes", "y", "true", "1", "匿名", "anonymous", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", "实名", "named", "×"}

_FIXED_HEADERS = {
    KEY_STAFF_NO: ("工号", "Staff no"),
    KEY_NAME: ("姓名", "Name"),
    KEY_ROLE: ("评价人类型", "Rater role"),
    KEY_RATER: ("评价人工号", "Rater staff no"),
    KEY_RATER_NAME: ("评价人姓名", "Rater name"),
    KEY_ANONYMOUS: ("匿名", "Anonymous"),
}
_FIXED_ALIASES = {
    KEY_STAFF_NO: {"工号", "员工编号", "员工工号", "staff no", "staff number", "employee no"},
    KEY_NAME: {"姓名", "员工姓名", "name", "employee"},
    KEY_ROLE: {"评价人类型", "评价类型", "评价人角色", "rater role", "role", "rater"},
    KEY_RATER: {"评价人工号", "评价人编号", "rater staff no", "rater no"},
    KEY_RATER_NAME: {"评价人姓名", "评价人", "rater name"},
    KEY_ANONYMOUS: {"匿名", "anonymous"},
}
_COMMENT_WORDS = ("评语", "comment", "说明")
_HEADER_FILL = "D9E1F2"
_LEVEL_FILL = "FFF2CC"


def normalise(text: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).replace("\n", " ").split()).casefold()


def role_from_text(value: object) -> RaterRole | None:
    """A rater role written as its id, Chinese or English name, or both (``自评 self``)."""
    text = normalise(value)
    if not text:
        return None
    if text in _ROLE_ALIASES:
        return _ROLE_ALIASES[text]
    found = {_ROLE_ALIASES[word] for word in text.replace("/", " ").split() if word in _ROLE_ALIASES}
    return found.pop() if len(found) == 1 else None


def yes_no(value: object) -> bool | None:
    text = normalise(value).split(" ")[0] if normalise(value) else ""
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


# --- writing -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One employee × rater line; levels and comments by criterion id may be filled in already."""

    staff_no: str
    name: str
    role: RaterRole
    rater_staff_no: str = ""
    rater_name: str = ""
    anonymous: bool = False
    levels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FormSheetSpec:
    form: Form
    period: str
    rows: list[SheetRow]
    language: str = "zh_CN"
    reviewer: str = ""  # "staff no name" of the person the sheet is sent to, if any
    fingerprint: str = ""


def _bilingual(zh: str, en: str) -> str:
    return f"{zh}\n{en}" if zh and en and zh != en else zh or en


def level_text(form: Form, level_id: str) -> str:
    """A level as the sheet shows it, in both languages (``优秀 Excellent``) so anyone can pick it."""
    label = form.scale.level(level_id).label
    return (
        f"{label.zh} {label.en}" if label.zh and label.en and label.zh != label.en else label.zh or label.en
    )


def level_from_text(form: Form, value: object):
    """The level a cell names: id, either label, both labels, or points; None when it names none."""
    level = form.scale.find_level(value)
    if level is None and isinstance(value, str):
        found = {form.scale.find_level(word) for word in value.replace("/", " ").split()} - {None}
        level = found.pop() if len(found) == 1 else None
    return level


def column_keys(form: Form) -> list[str]:
    keys = list(_FIXED_HEADERS)
    for criterion in form.criteria:
        keys += [LEVEL + criterion.id, COMMENT + criterion.id]
    keys += [TEXT + section.id for section in form.sections]
    return keys


def _header(form: Form, key: str) -> str:
    if key in _FIXED_HEADERS:
        return _bilingual(*_FIXED_HEADERS[key])
    kind, _sep, item = key.partition(":")
    if kind + ":" == LEVEL:
        criterion = form.criterion(item)
        weight = format(criterion.weight.normalize(), "f")
        return _bilingual(f"{criterion.title.zh}（{weight}%）", f"{criterion.title.en} ({weight}%)")
    if kind + ":" == COMMENT:
        criterion = form.criterion(item)
        return _bilingual(f"评语：{criterion.title.zh}", f"Comment: {criterion.title.en}")
    section = next(s for s in form.sections if s.id == item)
    return _bilingual(section.title.zh, section.title.en)


def _row_values(form: Form, row: SheetRow, language: str) -> list[object]:
    zh, en = ROLE_TEXT[row.role]
    values: list[object] = [
        row.staff_no,
        row.name,
        f"{zh} {en}",
        row.rater_staff_no,
        row.rater_name,
        ("是 yes" if row.anonymous else "否 no"),
    ]
    for criterion in form.criteria:
        level = row.levels.get(criterion.id)
        values.append(level_text(form, level) if level in form.scale.ids else None)
        values.append(row.comments.get(criterion.id))
    values += [row.texts.get(section.id) for section in form.sections]
    return values


def write_form_sheet(path: str | Path, spec: FormSheetSpec) -> Path:
    """Write the fillable workbook (written to a temporary file first, so no half file is left)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    form, language = spec.form, spec.language
    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = FORM_SHEET
    keys = column_keys(form)
    title = f"{form.title.pick('zh_CN')} · {form.title.pick('en')} · {spec.period}"
    if spec.reviewer:
        title += f" · {_('Rater')}: {spec.reviewer}"
    sheet.cell(row=1, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
    sheet.cell(row=2, column=1, value=neutralise(_bilingual(form.instructions.zh, form.instructions.en)))
    sheet.cell(row=2, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=min(len(keys), 12))
    sheet.row_dimensions[2].height = 45
    header_row, key_row, first_data = 3, 4, 5
    fill, level_fill = PatternFill("solid", fgColor=_HEADER_FILL), PatternFill("solid", fgColor=_LEVEL_FILL)
    for column, key in enumerate(keys, start=1):
        cell = sheet.cell(row=header_row, column=column, value=neutralise(_header(form, key)))
        cell.font, cell.fill = Font(bold=True), level_fill if key.startswith(LEVEL) else fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.cell(row=key_row, column=column, value=key)
        width = 34 if key.startswith((COMMENT, TEXT)) else 16 if key.startswith(LEVEL) else 12
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[header_row].height = 48
    sheet.row_dimensions[key_row].hidden = True
    for offset, row in enumerate(spec.rows):
        for column, value in enumerate(_row_values(form, row, language), start=1):
            sheet.cell(row=first_data + offset, column=column, value=neutralise(value))
    last = first_data + len(spec.rows) + 60  # room for rows added by hand
    labels = ",".join(level_text(form, level.id) for level in form.scale.levels)
    levels = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=False)
    roles = ",".join(f"{zh} {en}" for zh, en in ROLE_TEXT.values())
    role_list = DataValidation(type="list", formula1=f'"{roles}"', allow_blank=True, showErrorMessage=False)
    yes_list = DataValidation(
        type="list", formula1='"是 yes,否 no"', allow_blank=True, showErrorMessage=False
    )
    for validation in (levels, role_list, yes_list):
        sheet.add_data_validation(validation)
    for column, key in enumerate(keys, start=1):
        letter = get_column_letter(column)
        target = {KEY_ROLE: role_list, KEY_ANONYMOUS: yes_list}.get(
            key, levels if key.startswith(LEVEL) else None
        )
        if target is not None:
            target.add(f"{letter}{first_data}:{letter}{last}")
        if key.startswith((COMMENT, TEXT)):
            for number in range(first_data, last + 1):
                sheet.cell(row=number, column=column).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=first_data, column=3)
    _write_guide(book.create_sheet(GUIDE_SHEET), form)
    meta = book.create_sheet(META_SHEET)
    for meta_row, (key, value) in enumerate(
        (
            ("form", form.id),
            ("version", form.version),
            ("period", spec.period),
            ("hash", spec.fingerprint),
            ("reviewer", spec.reviewer),
        ),
        start=1,
    ):
        meta.cell(row=meta_row, column=1, value=key)
        meta.cell(row=meta_row, column=2, value=neutralise(value))
    meta.sheet_state = "hidden"
    temporary = path.with_name(f".{path.name}.part")
    try:
        book.save(temporary)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ValidationError(
            _("cannot write the file: {error}").format(error=exc.strerror or exc), Place(file=str(path))
        ) from None
    return path


def _write_guide(sheet, form: Form) -> None:
    """Every criterion's anchors, so the rater sees what each level means."""
    from openpyxl.styles import Alignment, Font

    headers = [
        "指标 Criterion",
        "权重 Weight",
        "等级 Level",
        "分数 Points",
        "行为描述",
        "Description",
        "须写评语 Comment required",
    ]
    for column, text in enumerate(headers, start=1):
        sheet.cell(row=1, column=column, value=text).font = Font(bold=True)
    row = 2
    for criterion in form.criteria:
        for level in form.scale.levels:
            anchor = criterion.anchors.get(level.id)
            values = [
                _bilingual(criterion.title.zh, criterion.title.en),
                float(criterion.weight),
                f"{level.label.zh} {level.label.en}",
                float(level.points),
                anchor.zh if anchor else "",
                anchor.en if anchor else "",
                "是 yes" if form.requires_comment(criterion.id, level.id) else "",
            ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=neutralise(value))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for letter, width in zip("ABCDEFG", (26, 8, 16, 8, 40, 48, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


# --- reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilledRow:
    row: int  # the row number Excel shows
    cells: dict[int, object]  # column index (0-based) → value


@dataclass
class FilledSheet:
    """A returned sheet, read but not yet understood: the caller matches its columns to a form."""

    file: str
    sheet: str
    checksum: str
    meta: dict[str, str]
    header_row: int  # Excel row number of the header
    headers: dict[int, str]  # column index → header text
    keys: dict[int, str]  # column index → column key (from the hidden key row), if present
    rows: list[FilledRow]
    skipped: list[SkippedRow] = field(default_factory=list)  # totals and averages lines, not imported

    def place(self, row: int | None = None, column: int | None = None) -> Place:
        from openpyxl.utils import get_column_letter

        letter = None if column is None else get_column_letter(column + 1)
        return Place(file=self.file, sheet=self.sheet, row=row, column=letter)

    def columns_for(self, form: Form) -> tuple[dict[str, int], list[str]]:
        """Column key → index for ``form``, and the header texts that matched nothing."""
        if self.keys:
            known = set(column_keys(form))
            mapped = {key: index for index, key in self.keys.items() if key in known}
            unmatched = [self.headers.get(i, key) for i, key in self.keys.items() if key not in known]
            return mapped, unmatched
        names: dict[str, str] = {}
        for key, aliases in _FIXED_ALIASES.items():
            for alias in aliases | {normalise(t) for t in _FIXED_HEADERS[key]}:
                names[normalise(alias)] = key
        for criterion in form.criteria:
            for text in (criterion.id, criterion.title.zh, criterion.title.en):
                if text:
                    names[normalise(text)] = LEVEL + criterion.id
        for section in form.sections:
            for text in (section.id, section.title.zh, section.title.en):
                if text:
                    names[normalise(text)] = TEXT + section.id
        mapped = {}
        unmatched = []
        for index, text in self.headers.items():
            matched = _match_header(text, names)
            if matched is None or matched in mapped:
                unmatched.append(text)
            else:
                mapped[matched] = index
        return mapped, unmatched


def _match_header(text: str, names: dict[str, str]) -> str | None:
    """A header such as ``团队协作与知识分享 Teamwork (15%)`` or ``评语：团队协作`` → its column key."""
    norm = normalise(text)
    comment = norm.startswith(_COMMENT_WORDS)
    if comment:
        for word in _COMMENT_WORDS:
            if norm.startswith(word):
                norm = norm[len(word) :].lstrip(":：· ")
                break
    candidates = [norm, norm.split("(")[0].split("（")[0].strip()]
    candidates += [part.strip() for part in norm.replace("（", "(").split("(")[0].split(" / ")]
    for candidate in candidates:
        key = names.get(candidate)
        if key is None:
            key = next(
                (k for name, k in names.items() if len(name) > 1 and candidate.startswith(name + " ")), None
            )
        if key is not None:
            if comment:
                return COMMENT + key[len(LEVEL) :] if key.startswith(LEVEL) else None
            return key
    return None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list[list[object]]) -> tuple[int, int | None] | None:
    """(header row index, key row index or None), looking in the first 20 rows."""
    staff_names = {normalise(a) for a in _FIXED_ALIASES[KEY_STAFF_NO] | set(_FIXED_HEADERS[KEY_STAFF_NO])}
    staff_names.add(normalise(_bilingual(*_FIXED_HEADERS[KEY_STAFF_NO])))
    for index, row in enumerate(rows[:20]):
        texts = [normalise(v) for v in row]
        if KEY_STAFF_NO in texts:
            return (index - 1 if index > 0 else index), index
        if any(text in staff_names for text in texts):
            following = rows[index + 1] if index + 1 < len(rows) else []
            has_keys = KEY_STAFF_NO in [normalise(v) for v in following]
            return index, (index + 1 if has_keys else None)
    return None


def read_form_sheet(path: str | Path, display_name: str | None = None) -> FilledSheet:
    """Read a returned form sheet (.xlsx, .xls, .ods or .csv); raises ValidationError naming the file."""
    book = open_workbook(path, display_name)
    meta: dict[str, str] = {}
    if META_SHEET in book.sheet_names:
        for row in book.sheet(META_SHEET).rows:
            if len(row) >= 2 and not _is_blank(row[0]):
                meta[str(row[0]).strip()] = "" if _is_blank(row[1]) else str(unneutralise(row[1])).strip()
    candidates = [n for n in book.sheet_names if n != META_SHEET and n != GUIDE_SHEET]
    candidates.sort(key=lambda n: (n != FORM_SHEET, not book.visible.get(n, True)))
    for name in candidates:
        rows = book.sheet(name).rows
        found = _find_header(rows)
        if found is None:
            continue
        header_index, key_index = found
        headers = {i: str(v).strip() for i, v in enumerate(rows[header_index]) if not _is_blank(v)}
        keys = {}
        if key_index is not None:
            keys = {i: str(v).strip() for i, v in enumerate(rows[key_index]) if not _is_blank(v)}
        start = (key_index if key_index is not None else header_index) + 1
        data, skipped = [], []
        for index in range(start, len(rows)):
            cells = {i: unneutralise(v) for i, v in enumerate(rows[index]) if not _is_blank(v)}
            reason = row_summary_reason(list(cells.values())) if cells else None
            if reason:
                skipped.append(SkippedRow(index + 1, reason, " ".join(str(v) for v in cells.values())))
            elif cells:
                data.append(FilledRow(index + 1, cells))
        return FilledSheet(
            book.display_name, name, book.checksum, meta, header_index + 1, headers, keys, data, skipped
        )
    raise ValidationError(
        _("no form sheet found: no row has a 工号 / Staff no column header"), Place(file=book.display_name)
    )


def looks_like_another_kind(headers: Iterable[str]) -> str | None:
    """A sentence saying what the file is instead, when its headers are those of a staff list or of
    performance data; None when they could be a form sheet's."""
    headers = list(headers)
    staff_columns = telling_headers(headers, STAFF)
    if len(staff_columns) >= 2:
        return _("this file looks like a staff list (columns {headers}), not filled forms; import it as a staff "
                 "list").format(headers=", ".join(staff_columns[:HEADERS_SHOWN]))
    values = value_headers(headers)
    if len(values) >= 2:
        return _("this file looks like performance data (columns {headers}), not filled forms; import it as "
                 "data").format(headers=", ".join(values[:HEADERS_SHOWN]))
    return None
