"""The last steps before a period is locked: every appeal answered, and a plain list of what finalizing locks.

``finalize_after_review`` refuses while an appeal (申诉) is unanswered, then finalizes through
:func:`kpidesk.services.appraisal.periods.finalize_period` in the same unit of work; the Results page
reaches it through ``services.closing``, which freezes the pay with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpidesk.domain.statuses import PeriodStatus, ResponseStatus
from kpidesk.errors import LockedPeriodError, ValidationError
from kpidesk.i18n import N_, _, current_language, pick
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal import periods
from kpidesk.store import models as m


@dataclass(frozen=True)
class LockSummary:
    """What finalizing ``period`` freezes."""

    period: str
    status: PeriodStatus
    employees: int
    measurements: int
    responses: int
    drafts: int  # form responses still drafts: they will never count
    adjustments: int
    exemptions: int
    unanswered_appeals: tuple[str, ...]  # "staff no name" of each appeal without an answer

    def lines(self) -> list[str]:
        """The summary as sentences for a confirmation dialog."""
        out = [
            _("Results of {count} employees, with their grades and ranks, as a checksummed snapshot").format(
                count=self.employees),
            _("{count} measurements").format(count=self.measurements),
            _("{count} submitted form responses").format(count=self.responses),
            _("{count} adjustments and {exemptions} exemptions").format(count=self.adjustments,
                                                                       exemptions=self.exemptions),
        ]
        if self.drafts:
            out.append(_("{count} draft form responses will not count").format(count=self.drafts))
        return out


def _count(session: Session, model, period_id: int, *conditions) -> int:
    return int(session.execute(select(func.count()).select_from(model).where(
        model.period_id == period_id, *conditions)).scalar() or 0)


def _appraised(session: Session, actor: Actor, record: m.PeriodRecord) -> int:
    """How many people the snapshot would hold (appraisal rows may still list someone who left)."""
    if record.status == PeriodStatus.FINALIZED:
        return _count(session, m.Result, record.id)
    from kpidesk.services.appraisal.scoring import compute_scores

    return len(compute_scores(session, actor, record.code).frame)


def lock_summary(session: Session, actor: Actor, period: str) -> LockSummary:
    record = periods.get_period(session, period)
    appeals = session.execute(
        select(m.Employee.staff_no, m.Employee.name).join(m.Appeal, m.Appeal.employee_id == m.Employee.id)
        .where(m.Appeal.period_id == record.id, m.Appeal.kind == "appeal", m.Appeal.answer.is_(None))
        .order_by(m.Appeal.id)
    ).all()
    return LockSummary(
        period=record.code,
        status=record.status,
        employees=_appraised(session, actor, record),
        measurements=_count(session, m.Measurement, record.id),
        responses=_count(session, m.FormResponse, record.id, m.FormResponse.status == ResponseStatus.SUBMITTED),
        drafts=_count(session, m.FormResponse, record.id, m.FormResponse.status == ResponseStatus.DRAFT),
        adjustments=_count(session, m.Adjustment, record.id),
        exemptions=_count(session, m.Exemption, record.id),
        unanswered_appeals=tuple(f"{no} {name}" for no, name in appeals),
    )


CHECKLIST_FLAGS = ("no_template", "no_result", "insufficient_data", "qualitative_partial", "rating_disagreement")
RATER_WORDS = {"self": N_("self-assessment"), "manager": N_("manager"), "hr": N_("HR"), "peer": N_("peers")}
REASON_WORDS = {"no_response": N_("not submitted"), "too_few_peers": N_("too few answered")}


def missing_raters(session: Session, qualitative: dict[int, dict]) -> dict[int, str]:
    """Per person, the raters a qualitative part still lacks, as "form: manager not submitted; …".

    A rater counts as missing when their role carries weight on the form but did not count — the same
    forms and roles the Overview counts as not submitted (peers, which it leaves aside, are named too) —
    including a person whose forms nobody has submitted yet."""
    titles = {(key, version): pick(zh, en) for key, version, zh, en in session.execute(
        select(m.FormVersion.form_key, m.FormVersion.version, m.FormVersion.title_zh, m.FormVersion.title_en))}
    separator = "；" if current_language().startswith("zh") else "; "
    out: dict[int, str] = {}
    for employee_id, entry in qualitative.items():
        parts = []
        for form in entry.get("forms", ()):
            missing = [_(RATER_WORDS.get(role, role)) + " " + _(REASON_WORDS.get(info.get("reason") or "", "not submitted"))
                       for role, info in form.get("roles", {}).items()
                       if info.get("weight", 0) > 0 and not info.get("counted") and info.get("reason") != "zero_weight"]
            if missing:
                title = titles.get((form.get("form"), form.get("version"))) or str(form.get("form"))
                parts.append(f"{title}: {', '.join(missing)}")
        if parts:
            out[int(employee_id)] = separator.join(dict.fromkeys(parts))
    return out


@dataclass(frozen=True)
class ChecklistEntry:
    """One person finalizing would lock with something unsettled; ``kind`` is a result flag or "open_appeal"."""

    kind: str
    employee_id: int
    staff_no: str
    name: str
    detail: str = ""  # what exactly is unsettled, e.g. which form and rater are missing

    def text(self) -> str:
        from kpidesk.services.appraisal.scoring import flag_label

        what = _("appeal not answered") if self.kind == "open_appeal" else flag_label(self.kind)
        return f"{self.staff_no} {self.name}: {what}" + (f" ({self.detail})" if self.detail else "")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "staff_no": self.staff_no, "name": self.name, "detail": self.detail,
                "text": self.text()}


@dataclass(frozen=True)
class FinalizeChecklist:
    """What should be settled before ``period`` is locked; empty means finalizing locks nothing surprising."""

    period: str
    employees: int  # how many people finalizing would lock with a result
    entries: tuple[ChecklistEntry, ...]

    @property
    def blocking(self) -> bool:
        """An unanswered appeal stops finalizing in the window (the command line's --yes does not wait)."""
        return any(e.kind == "open_appeal" for e in self.entries)

    @property
    def empty(self) -> bool:
        return not self.entries

    def to_dict(self) -> dict:
        return {"period": self.period, "employees": self.employees, "entries": [e.to_dict() for e in self.entries]}


def finalize_checklist(session: Session, actor: Actor, period: str) -> FinalizeChecklist:
    """People with no template, no result, too little data, incomplete or disagreeing forms, open appeals."""
    from kpidesk.services.appraisal.scoring import compute_scores

    record = periods.get_period(session, period)
    scores = compute_scores(session, actor, record.code)
    frame = scores.frame
    missing = missing_raters(session, scores.loaded.qualitative) if scores.loaded is not None else {}
    entries: list[ChecklistEntry] = []
    for kind in CHECKLIST_FLAGS:
        for employee_id, row in frame.iterrows():
            flagged = kind in (row["flags"] or ())
            if kind == "qualitative_partial":  # as the Overview counts: any rater still missing
                flagged = flagged or int(employee_id) in missing
            if flagged:
                detail = missing.get(int(employee_id), "") if kind == "qualitative_partial" else ""
                entries.append(ChecklistEntry(kind, int(employee_id), str(row["staff_no"]), str(row["name"]), detail))
    appeals = session.execute(
        select(m.Employee.id, m.Employee.staff_no, m.Employee.name).join(m.Appeal, m.Appeal.employee_id == m.Employee.id)
        .where(m.Appeal.period_id == record.id, m.Appeal.kind == "appeal", m.Appeal.answer.is_(None))
        .order_by(m.Appeal.id)
    ).all()
    entries.extend(ChecklistEntry("open_appeal", employee_id, no, name) for employee_id, no, name in appeals)
    return FinalizeChecklist(record.code, int(frame["total"].notna().sum()), tuple(entries))


def finalize_after_review(session: Session, actor: Actor, period: str) -> periods.Finalized:
    """Finalize unless an appeal is still waiting for its answer."""
    summary = lock_summary(session, actor, period)
    if summary.status == PeriodStatus.FINALIZED:
        raise LockedPeriodError(_("Period {period} is already finalized.").format(period=summary.period))
    if summary.unanswered_appeals:
        raise ValidationError(_("Answer every appeal before finalizing; waiting: {who}").format(
            who=", ".join(summary.unanswered_appeals)))
    return periods.finalize_period(session, actor, period)
