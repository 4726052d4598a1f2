"""Why each pay component is what it is — as data, and rendered in the reader's language.

A ``PayExplanation`` holds only codes and decimal strings, so it goes into a JSON snapshot or a payroll
file unchanged and renders in Chinese or English later, e.g.
"8,000.00 × 1.2（优秀）= 9,600.00" or "sales 55,000.00: 40,000.00 × 1% + 15,000.00 × 2% + add-on 200.00 = 900.00".
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from kpidesk.domain.grades import DEFAULT_SCALE, GradeScale
from kpidesk.domain.money import format_money, format_plain
from kpidesk.i18n import DOMAIN, N_, current_language, resolve_language
from kpidesk.resources import TRANSLATIONS_DIR

COMPONENTS = ("base", "commission", "bonus", "allowances")


@dataclass(frozen=True)
class PayExplanation:
    """``component`` is one of COMPONENTS; ``kind`` says which case applied; ``values`` and ``items``
    hold decimal strings and codes (no floats, no prose)."""

    component: str
    kind: str
    amount: Decimal
    values: Mapping[str, str | None] = field(default_factory=dict)
    items: tuple[Mapping[str, str | None], ...] = ()

    def __post_init__(self) -> None:
        # Empty entries are dropped so that an explanation equals itself after a trip through JSON.
        object.__setattr__(self, "values", {k: v for k, v in self.values.items() if v is not None})
        object.__setattr__(self, "items", tuple({k: v for k, v in i.items() if v is not None} for i in self.items))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"component": self.component, "kind": self.kind, "amount": str(self.amount)}
        if self.values:
            data["values"] = dict(self.values)
        if self.items:
            data["items"] = [dict(i) for i in self.items]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PayExplanation:
        return cls(str(data["component"]), str(data["kind"]), Decimal(str(data["amount"])),
                   dict(data.get("values") or {}), tuple(dict(i) for i in data.get("items") or ()))


_M = {
    "product": N_("{base} × {coefficient} ({why}) = {amount}"),
    "why_score": N_("total {total} ÷ {divisor}"),
    "why_score_cap": N_("total {total} ÷ {divisor}, capped at {limit}"),
    "why_score_floor": N_("total {total} ÷ {divisor}, not below {limit}"),
    "why_no_result": N_("no result: fallback coefficient"),
    "why_unknown_grade": N_("grade {grade} has no coefficient: fallback"),
    "no_base": N_("no base pay recorded"),
    "hidden": N_("base pay is shown to HR only"),
    "no_table": N_("no commission table"),
    "no_sales": N_("no sales figure ({basis})"),
    "add_on": N_("add-on {amount}"),
    "marginal": N_("sales {sales}: {working} = {amount}"),
    "whole": N_("sales {sales} in the bracket {lower} – {upper}: {working} = {amount}"),
    "whole_open": N_("sales {sales} in the bracket above {lower}: {working} = {amount}"),
    "no_bonus": N_("no bonus"),
    "streak": N_("bonus for {length} periods in a row first and Excellent: {amount}"),
    "streak_flag": N_("streak bonus ({flag}): {amount}"),
    "manual": N_("bonus {amount}"),
    "manual_note": N_("bonus {amount} ({note})"),
    "withheld": N_("improvement plan: no bonus ({amount} withheld)"),
    "withheld_nothing": N_("improvement plan: no bonus"),
    "no_allowances": N_("no allowances"),
}


@lru_cache(maxsize=4)
def _translation(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(TRANSLATIONS_DIR), languages=[language], fallback=True)


def translator(lang: str | None = None) -> Callable[[str], str]:
    """``gettext`` for ``lang`` (default: the current language), for texts rendered in a chosen language."""
    return _translation(resolve_language(lang) if lang else current_language()).gettext


def _decimal(text: str | None) -> Decimal:
    """A decimal entry of an explanation (``PayExplanation`` drops empty entries, so one is never None)."""
    if text is None:
        raise ValueError("an explanation entry is missing")
    return Decimal(text)


class _Renderer:
    def __init__(self, language: str, scale: GradeScale):
        self.t = _translation(language).gettext
        self.language = language
        self.scale = scale

    def m(self, key: str, **kwargs: Any) -> str:
        return self.t(_M[key]).format(**kwargs)

    def grade(self, code: str | None) -> str:
        if code is None:
            return "—"
        try:
            return self.scale.label(code, self.language) or code
        except KeyError:
            return code

    def render(self, e: PayExplanation) -> str:
        render: Callable[[PayExplanation], str] = getattr(self, f"render_{e.component}")
        return render(e)

    def render_base(self, e: PayExplanation) -> str:
        v = e.values
        if e.kind in ("no_base", "hidden"):
            return self.m(e.kind)
        if e.kind == "grade":
            why = self.grade(v.get("grade"))
        elif e.kind == "score":
            key = {"cap": "why_score_cap", "floor": "why_score_floor"}.get(v.get("limited") or "", "why_score")
            why = self.m(key, total=format_plain(_decimal(v["total"])), divisor=format_plain(_decimal(v["divisor"])),
                         limit=format_plain(_decimal(v["limit"])) if v.get("limit") else "")
        elif v.get("reason") == "unknown_grade":
            why = self.m("why_unknown_grade", grade=v.get("grade") or "—")
        else:
            why = self.m("why_no_result")
        return self.m("product", base=format_money(_decimal(v["base"])),
                      coefficient=format_plain(_decimal(v["coefficient"])), why=why, amount=format_money(e.amount))

    def render_commission(self, e: PayExplanation) -> str:
        v = e.values
        if e.kind == "no_table":
            return self.m("no_table")
        if e.kind == "no_sales":
            return self.m("no_sales", basis=v.get("basis") or "—")
        parts = [f"{format_money(_decimal(i['on']))} × {format_plain(_decimal(i['rate_percent']))}%"
                 for i in e.items if i.get("type") == "slice"]
        parts += [self.m("add_on", amount=format_money(_decimal(i["amount"])))
                  for i in e.items if i.get("type") == "add_on"]
        working = " + ".join(parts)
        sales = format_money(_decimal(v["sales"]))
        if e.kind == "whole":
            lower = format_money(_decimal(v["lower"]))
            if v.get("upper"):
                return self.m("whole", sales=sales, lower=lower, upper=format_money(_decimal(v["upper"])),
                              working=working, amount=format_money(e.amount))
            return self.m("whole_open", sales=sales, lower=lower, working=working, amount=format_money(e.amount))
        return self.m("marginal", sales=sales, working=working, amount=format_money(e.amount))

    def render_bonus(self, e: PayExplanation) -> str:
        if e.kind == "withheld":
            withheld = Decimal(e.values.get("withheld") or "0")
            return self.m("withheld", amount=format_money(withheld)) if withheld else self.m("withheld_nothing")
        if not e.items:
            return self.m("no_bonus")
        parts = []
        for item in e.items:
            amount = format_money(_decimal(item["amount"]))
            if item.get("type") == "streak":
                if item.get("flag") == "reward_streak":
                    parts.append(self.m("streak", length=item.get("length") or "3", amount=amount))
                else:
                    parts.append(self.m("streak_flag", flag=item.get("flag"), amount=amount))
            elif item.get("note"):
                parts.append(self.m("manual_note", amount=amount, note=item["note"]))
            else:
                parts.append(self.m("manual", amount=amount))
        if len(parts) == 1:
            return parts[0]
        return f"{' + '.join(parts)} = {format_money(e.amount)}"

    def render_allowances(self, e: PayExplanation) -> str:
        if not e.items:
            return self.m("no_allowances")
        labels = []
        for item in e.items:
            label = (item.get("zh") if self.language.startswith("zh") else item.get("en")) or item.get("zh") \
                or item.get("en") or item.get("code") or ""
            labels.append(f"{label} {format_money(_decimal(item['amount']))}")
        if len(labels) == 1:
            return labels[0]
        return f"{' + '.join(labels)} = {format_money(e.amount)}"


def render_pay_explanation(
    explanation: PayExplanation | Mapping[str, Any], lang: str | None = None, scale: GradeScale = DEFAULT_SCALE
) -> str:
    """One line saying how a component was reached, in ``lang`` (default: the current language)."""
    if not isinstance(explanation, PayExplanation):
        explanation = PayExplanation.from_dict(explanation)
    language = resolve_language(lang) if lang else current_language()
    return _Renderer(language, scale).render(explanation)
