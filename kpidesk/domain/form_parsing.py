"""Reading a form from the TOML text HR writes, with problems that point at the file, key and line.

Nothing here touches the file system: callers pass the text and the file name to show. A problem carries an
English message template and its parameters; it is translated when it is shown. Errors keep a form from
loading; warnings (a missing translation, an unknown key, a level without an anchor) do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from kpidesk.domain.forms import (
    COMMENT_ALWAYS,
    COMMENT_EXTREMES,
    COMMENT_NEVER,
    DEFAULT_MIN_PEERS,
    DEFAULT_RATER_WEIGHTS,
    DEFAULT_SCALE,
    Criterion,
    Form,
    Level,
    RaterRole,
    Scale,
    Section,
    Text,
    resolve_comment_rule,
)
from kpidesk.domain.text_rules import control_character
from kpidesk.domain.toml_lines import KeyPath, key_lines, line_of


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


def format_path(path: KeyPath) -> str:
    """``("criteria", 1, "anchors", "superb")`` → ``criteria[2].anchors.superb`` (entries count from 1)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class FormProblem:
    file: str
    path: str
    line: int | None
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return translate(self.template).format(**self.params)

    def location(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.path}" if self.path else where

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        """``forms/x.toml:42: criteria[2].anchors.superb: unknown level …`` (warnings say so)."""
        text = f"{self.location()}: {self.message(translate)}"
        if self.severity is Severity.WARNING:
            text = f"{translate('warning')}: {text}"
        return text

    def __str__(self) -> str:
        return self.render()


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")

_FORM_KEYS = {
    "id",
    "version",
    "title",
    "instructions",
    "raters",
    "rater_weights",
    "min_peers",
    "comment_required",
    "scale",
    "criteria",
    "sections",
}
_LEVEL_KEYS = {"id", "points", "label"}
_CRITERION_KEYS = {"id", "title", "description", "weight", "anchors", "comment_required"}
_SECTION_KEYS = {"id", "title", "hint", "raters"}
_TEXT_KEYS = {"zh", "en"}


class _Reader:
    """Walks one parsed document, converting values and collecting problems with their lines."""

    def __init__(self, file: str, text: str):
        import tomllib

        self.file = file
        try:
            self.lines = key_lines(text)
        except (ValueError, IndexError, tomllib.TOMLDecodeError):
            # Line numbers help, but a layout the scanner misreads must never hide the real problem.
            self.lines = {}
        self.problems: list[FormProblem] = []

    def report(
        self, path: KeyPath, template: str, severity: Severity = Severity.ERROR, **params: Any
    ) -> None:
        line = line_of(self.lines, path)
        if line is None and not path:
            line = 1
        self.problems.append(FormProblem(self.file, format_path(path), line, template, params, severity))

    def warn(self, path: KeyPath, template: str, **params: Any) -> None:
        self.report(path, template, Severity.WARNING, **params)

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    # -- values ---------------------------------------------------------------------------------------

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], path: KeyPath) -> None:
        for key in table:
            if key not in allowed:
                self.warn(path + (key,), "unknown key, ignored")

    def table(self, value: Any, path: KeyPath) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.report(path, "must be a table of keys")
        return None

    def identifier(self, table: Mapping[str, Any], path: KeyPath) -> str | None:
        if "id" not in table:
            self.report(path + ("id",) if path else ("id",), "missing; this key is required")
            return None
        value = table["id"]
        if not isinstance(value, str) or not _ID.match(value):
            self.report(
                path + ("id",), "ids use letters, digits, - and _ only, starting with a letter or digit"
            )
            return None
        return value

    def text(self, table: Mapping[str, Any], key: str, path: KeyPath, required: bool = False) -> Text:
        where = path + (key,)
        if key not in table:
            if required:
                self.report(where, "missing; this key is required")
            return Text()
        value = table[key]
        if isinstance(value, str):
            zh, en = (value, "") if _CJK.search(value) else ("", value)
        elif isinstance(value, dict):
            self.unknown_keys(value, _TEXT_KEYS, where)
            zh, en = value.get("zh", ""), value.get("en", "")
            if not isinstance(zh, str) or not isinstance(en, str):
                self.report(where, "must be text, or zh and en texts")
                return Text()
        else:
            self.report(where, "must be text, or zh and en texts")
            return Text()
        zh, en = zh.strip(), en.strip()
        if control_character(zh + en, multiline=True) is not None:
            self.report(where, "holds a control character; remove it")
            return Text()
        if not zh and not en:
            if required:
                self.report(where, "must not be empty")
        elif not zh:
            self.warn(where, "missing Chinese text; the English text is used")
        elif not en:
            self.warn(where, "missing English text; the Chinese text is used")
        return Text(zh, en)

    def number(self, table: Mapping[str, Any], key: str, path: KeyPath) -> Decimal | None:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if key not in table:
                self.report(path + (key,), "missing; this key is required")
            else:
                self.report(path + (key,), "must be a number")
            return None
        return Decimal(str(value))

    def whole_number(self, value: Any, path: KeyPath, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, "must be a whole number")
            return None
        if value < minimum:
            self.report(path, "must be at least {minimum}", minimum=minimum)
            return None
        return value

    def roles(self, value: Any, path: KeyPath) -> tuple[RaterRole, ...]:
        if not isinstance(value, list):
            self.report(path, 'must be a list of raters, e.g. ["self", "manager"]')
            return ()
        roles: list[RaterRole] = []
        for index, item in enumerate(value):
            try:
                role = RaterRole(item)
            except ValueError:
                self.report(
                    path + (index,), 'unknown rater "{rater}"; use self, manager, peer or hr', rater=item
                )
                continue
            if role in roles:
                self.report(path + (index,), 'rater "{rater}" is listed twice', rater=role.value)
                continue
            roles.append(role)
        return tuple(roles)

    def comment_rule(self, value: Any, scale: Scale, path: KeyPath) -> frozenset[str] | None:
        if isinstance(value, str) and value in (COMMENT_EXTREMES, COMMENT_ALWAYS, COMMENT_NEVER):
            return resolve_comment_rule(value, scale)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            for index, item in enumerate(value):
                if item not in scale.ids:
                    self.report(
                        path + (index,),
                        'unknown level "{level}"; the levels are {levels}',
                        level=item,
                        levels=", ".join(scale.ids),
                    )
            return frozenset(item for item in value if item in scale.ids)
        self.report(path, 'must be "extremes", "always", "never" or a list of levels')
        return None

    def table_list(self, document: Mapping[str, Any], key: str) -> list[tuple[KeyPath, dict[str, Any]]]:
        value = document.get(key, [])
        if not isinstance(value, list):
            self.report((key,), "must be a list of [[{key}]] tables", key=key)
            return []
        entries: list[tuple[KeyPath, dict[str, Any]]] = []
        for index, item in enumerate(value):
            table = self.table(item, (key, index))
            if table is not None:
                entries.append(((key, index), table))
        return entries

    def unique(self, seen: dict[str, KeyPath], value: str | None, path: KeyPath) -> None:
        if value is None:
            return
        if value in seen:
            first = line_of(self.lines, seen[value])
            self.report(
                path + ("id",), 'duplicate id "{id}" (first used at line {first})', id=value, first=first
            )
        else:
            seen[value] = path + ("id",)

    # -- parts of a form ------------------------------------------------------------------------------

    def scale(self, document: Mapping[str, Any]) -> Scale | None:
        if "scale" not in document:
            return DEFAULT_SCALE
        scale = self.table(document["scale"], ("scale",))
        if scale is None:
            return None
        self.unknown_keys(scale, {"levels"}, ("scale",))
        entries = self.table_list(scale, "levels")
        levels: list[Level] = []
        seen_ids: dict[str, KeyPath] = {}
        seen_points: dict[Decimal, KeyPath] = {}
        for raw_path, table in entries:
            path = ("scale",) + raw_path
            self.unknown_keys(table, _LEVEL_KEYS, path)
            level_id = self.identifier(table, path)
            self.unique(seen_ids, level_id, path)
            points = self.number(table, "points", path)
            label = self.text(table, "label", path, required=True)
            if points is not None:
                if points in seen_points:
                    self.report(
                        path + ("points",), "two levels have the same points ({points})", points=points
                    )
                seen_points.setdefault(points, path)
            if level_id and points is not None:
                levels.append(Level(level_id, points, label))
        if len(entries) < 2:
            self.report(("scale", "levels"), "at least two levels are needed")
            return None
        if len(levels) != len(entries) or len(seen_points) != len(entries):
            return None
        return Scale(tuple(levels))

    def criterion(self, path: KeyPath, table: Mapping[str, Any], scale: Scale | None) -> Criterion | None:
        self.unknown_keys(table, _CRITERION_KEYS, path)
        criterion_id = self.identifier(table, path)
        title = self.text(table, "title", path, required=True)
        description = self.text(table, "description", path)
        weight = self.number(table, "weight", path)
        if weight is not None and weight <= 0:
            self.report(path + ("weight",), "must be greater than 0")
            weight = None
        anchors: dict[str, Text] = {}
        raw_anchors = self.table(table.get("anchors", {}), path + ("anchors",))
        if raw_anchors is not None and scale is not None:
            for level_id in raw_anchors:
                if level_id not in scale.ids:
                    self.report(
                        path + ("anchors", level_id),
                        'unknown level "{level}"; the levels are {levels}',
                        level=level_id,
                        levels=", ".join(scale.ids),
                    )
                    continue
                anchors[level_id] = self.text(raw_anchors, level_id, path + ("anchors",))
            for level_id in scale.ids:
                if level_id not in raw_anchors:
                    self.warn(path + ("anchors",), 'no anchor for level "{level}"', level=level_id)
        comment_required = None
        if "comment_required" in table and scale is not None:
            comment_required = self.comment_rule(
                table["comment_required"], scale, path + ("comment_required",)
            )
        if criterion_id is None or weight is None:
            return None
        return Criterion(criterion_id, title, weight, description, anchors, comment_required)

    def rater_weights(
        self, document: Mapping[str, Any], raters: tuple[RaterRole, ...]
    ) -> dict[RaterRole, Decimal]:
        weights = dict(DEFAULT_RATER_WEIGHTS)
        if "rater_weights" not in document:
            return weights
        table = self.table(document["rater_weights"], ("rater_weights",))
        if table is None:
            return weights
        for key in table:
            path = ("rater_weights", key)
            try:
                role = RaterRole(key)
            except ValueError:
                self.report(path, 'unknown rater "{rater}"; use self, manager, peer or hr', rater=key)
                continue
            weight = self.number(table, key, ("rater_weights",))
            if weight is None:
                continue
            if weight < 0:
                self.report(path, "must not be negative")
                continue
            if weight > 0 and raters and role not in raters:
                self.warn(path, '"{rater}" does not fill this form; the weight has no effect', rater=key)
            weights[role] = weight
        if not any(weights[role] > 0 for role in (raters or tuple(RaterRole))):
            self.report(("rater_weights",), "at least one rater of the form needs a weight above 0")
        return weights

    def sections(self, document: Mapping[str, Any], raters: tuple[RaterRole, ...]) -> tuple[Section, ...]:
        sections: list[Section] = []
        seen: dict[str, KeyPath] = {}
        for path, table in self.table_list(document, "sections"):
            self.unknown_keys(table, _SECTION_KEYS, path)
            section_id = self.identifier(table, path)
            self.unique(seen, section_id, path)
            title = self.text(table, "title", path, required=True)
            hint = self.text(table, "hint", path)
            roles = self.roles(table["raters"], path + ("raters",)) if "raters" in table else ()
            if section_id:
                sections.append(Section(section_id, title, hint, roles))
        return tuple(sections)

    def form(self, document: Mapping[str, Any]) -> Form | None:
        self.unknown_keys(document, _FORM_KEYS, ())
        form_id = self.identifier(document, ())
        version = None
        if "version" not in document:
            self.report(("version",), "missing; this key is required")
        else:
            version = self.whole_number(document["version"], ("version",), 1)
        title = self.text(document, "title", (), required=True)
        instructions = self.text(document, "instructions", ())
        raters: tuple[RaterRole, ...] = (RaterRole.SELF, RaterRole.MANAGER)
        if "raters" in document:
            raters = self.roles(document["raters"], ("raters",))
            if not raters:
                self.report(("raters",), "at least one rater is needed")
        min_peers = DEFAULT_MIN_PEERS
        if "min_peers" in document:
            min_peers = self.whole_number(document["min_peers"], ("min_peers",), 1) or DEFAULT_MIN_PEERS
        scale = self.scale(document)
        comment_required = None
        if "comment_required" in document and scale is not None:
            comment_required = self.comment_rule(document["comment_required"], scale, ("comment_required",))
        weights = self.rater_weights(document, raters)

        criteria: list[Criterion] = []
        seen: dict[str, KeyPath] = {}
        entries = self.table_list(document, "criteria")
        if not document.get("criteria"):
            self.report(("criteria",), "the form has no criteria; add at least one [[criteria]]")
        for path, table in entries:
            criterion = self.criterion(path, table, scale)
            self.unique(seen, table.get("id") if isinstance(table.get("id"), str) else None, path)
            if criterion is not None:
                criteria.append(criterion)
        weighed = [table.get("weight") for _, table in entries]
        if entries and all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in weighed):
            total = sum((Decimal(str(w)) for w in weighed), Decimal(0))
            if total != 100:
                self.report(
                    ("criteria",), "the criteria weights add up to {total}, not 100", total=_plain(total)
                )
        sections = self.sections(document, raters)
        if self.failed or form_id is None or version is None or scale is None:
            return None
        return Form(
            form_id,
            version,
            title,
            tuple(criteria),
            scale,
            instructions,
            raters,
            weights,
            min_peers,
            comment_required,
            sections,
        )


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def parse_form(text: str, file: str = "<form>") -> tuple[Form | None, list[FormProblem]]:
    """Read one form file's text; the form is None when any problem is an error."""
    import tomllib  # loaded with the first form file read: printing a sheet reads stored forms only

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        detail = str(error)
        match = _TOML_POSITION.search(detail)
        line = int(match.group(1)) if match else None
        detail = _TOML_POSITION.sub("", detail).strip()
        problem = FormProblem(file, "", line, "this is not valid TOML: {detail}", {"detail": detail})
        return None, [problem]
    reader = _Reader(file, text)
    form = reader.form(document)
    return form, sorted(reader.problems, key=lambda problem: problem.line or 0)


def parse_forms(sources: Iterable[tuple[str, str]]) -> tuple[list[Form], list[FormProblem]]:
    """Read several files (name, text); a form id used by two files loads neither and is reported."""
    texts = dict(sources)
    parsed: list[tuple[str, Form]] = []
    problems: list[FormProblem] = []
    for file, text in texts.items():
        form, found = parse_form(text, file)
        problems.extend(found)
        if form is not None:
            parsed.append((file, form))
    files_by_id: dict[str, list[str]] = {}
    for file, form in parsed:
        files_by_id.setdefault(form.id, []).append(file)
    forms = []
    for file, form in parsed:
        others = [f for f in files_by_id[form.id] if f != file]
        if not others:
            forms.append(form)
            continue
        line = line_of(key_lines(texts[file]), ("id",))
        problems.append(
            FormProblem(
                file,
                "id",
                line,
                'form id "{id}" is also used by {others}',
                {"id": form.id, "others": ", ".join(others)},
            )
        )
    return forms, problems
