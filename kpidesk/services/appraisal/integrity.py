"""Do the periods, their snapshots and results agree with the audit log and the witnesses?

The app changes a period's status only together with an audit entry, stores each finalization's snapshot
hash in that entry, and writes result rows from the snapshot. Someone editing the file with sqlite3 breaks
one of these agreements: a status flipped without its entry, a snapshot rewritten with a recomputed hash,
result rows edited after finalization. Each check names the period and what disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.statuses import PeriodStatus
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.appraisal.snapshots import audited_hash, current_snapshot, verify
from kpidesk.services.appraisal.status_words import period_status_text
from kpidesk.services.safety import witness
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import requires
from kpidesk.store import models as m
from kpidesk.store.db import Database

#: What each audited period action leaves the period as.
STATUS_AFTER = {
    "period.open": PeriodStatus.OPEN,
    "period.review": PeriodStatus.REVIEW,
    "period.finalize": PeriodStatus.FINALIZED,
    "period.reopen": PeriodStatus.OPEN,
}
#: Result columns that must equal the snapshot's row of the same employee.
RESULT_COLUMNS = ("quantitative", "qualitative", "adjustments", "total", "grade_code", "rank_department",
                  "rank_organisation")


@dataclass
class IntegrityReport:
    """``problems`` are disagreements (something was changed outside KPI Desk); ``notices`` are not."""

    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _AuditedPeriod:
    status: PeriodStatus | None = None
    finalized_hash: str | None = None


def check_integrity(session: Session) -> IntegrityReport:
    """Compare the audit log with the witnesses, and periods, snapshots and results with the audit log."""
    witnessed = witness.compare(session)
    report = IntegrityReport(list(witnessed.problems), list(witnessed.notices))
    audited = _replay_period_entries(session, report)
    records = {r.code: r for r in session.execute(select(m.PeriodRecord)).scalars()}
    for code in sorted(set(audited) - set(records)):
        report.problems.append(_("Period {period} is in the audit log but no longer in the database.").format(
            period=code))
    for code, record in records.items():
        expected = audited.get(code, _AuditedPeriod())
        if expected.status is None:  # an open period holds nothing final; a locked one must be audited
            target = report.notices if record.status == PeriodStatus.OPEN else report.problems
            target.append(_("Period {period} has no audit entry for its status {status}: it was added "
                            "outside KPI Desk.").format(period=code, status=period_status_text(record.status)))
            continue
        if record.status != expected.status:
            report.problems.append(_(
                "Period {period} is {status} in the database, but its last audited change left it {expected}: "
                "its status was changed without an audit entry.").format(
                period=code, status=period_status_text(record.status),
                expected=period_status_text(expected.status)))
        if record.status == PeriodStatus.FINALIZED:
            finalized_in_log = expected.status == PeriodStatus.FINALIZED
            _check_finalized(session, record, expected.finalized_hash if finalized_in_log else None, report)
    _check_witnessed_finalizations(session, witnessed.finalizations, records, report)
    return report


def _replay_period_entries(session: Session, report: IntegrityReport) -> dict[str, _AuditedPeriod]:
    """Each period's status and snapshot hash as its audit entries leave them; a change its previous
    state does not allow (finalizing a finalized period) means the status was altered in between."""
    periods: dict[str, _AuditedPeriod] = {}
    entries = session.execute(
        select(m.AuditEntry.id, m.AuditEntry.action, m.AuditEntry.entity_id, m.AuditEntry.new)
        .where(m.AuditEntry.entity == "period", m.AuditEntry.action.in_(STATUS_AFTER)).order_by(m.AuditEntry.id))
    for entry_id, action, code, new in entries:
        state = periods.setdefault(str(code), _AuditedPeriod())
        before = state.status
        finalized_before = before == PeriodStatus.FINALIZED
        if (action == "period.finalize" and finalized_before) or (action == "period.review" and finalized_before) \
                or (action == "period.reopen" and not finalized_before) or (action == "period.open" and before):
            report.problems.append(_(
                "Audit entry {id} ({action}) finds period {period} {status}: its status was changed outside "
                "KPI Desk before that.").format(id=entry_id, action=action, period=code,
                                                status=period_status_text(before or PeriodStatus.NOT_OPENED)))
        state.status = STATUS_AFTER[action]
        if action == "period.finalize":
            state.finalized_hash = (new or {}).get("content_hash") if isinstance(new, dict) else None
        elif action == "period.reopen":
            state.finalized_hash = None
    return periods


def _check_finalized(session: Session, record: m.PeriodRecord, audited_hash: str | None,
                     report: IntegrityReport) -> None:
    """The snapshot still has its hash, is the one the audit log recorded (None: the log recorded no
    finalization, already reported) and the result rows are its rows."""
    snapshot = current_snapshot(session, record)
    if snapshot is None:
        report.problems.append(_("Finalized period {period} has no snapshot of its results.").format(
            period=record.code))
        return
    if not verify(snapshot):
        report.problems.append(_("The snapshot of {period} was altered: its content no longer has its hash.")
                               .format(period=record.code))
    elif audited_hash is not None and snapshot.content_hash != audited_hash:
        report.problems.append(_(
            "The snapshot of {period} (hash {stored}…) is not the one its finalization recorded in the audit log "
            "({audited}…): it was replaced.").format(
            period=record.code, stored=snapshot.content_hash[:16], audited=audited_hash[:16]))
    differing = _results_differing(session, record, snapshot.content)
    if differing:
        report.problems.append(_(
            "The stored results of {period} differ from its finalized snapshot for {count} people (staff "
            "numbers {staff}): they were edited after finalization.").format(
            period=record.code, count=len(differing), staff=", ".join(differing[:5])))


def _results_differing(session: Session, record: m.PeriodRecord, content: dict[str, Any]) -> list[str]:
    """Staff numbers whose result row is missing, extra, or differs from the snapshot's row."""
    snapshot_rows = {row.get("employee_id"): row for row in (content or {}).get("rows", [])}
    results = {r.employee_id: r for r in session.execute(
        select(m.Result).where(m.Result.period_id == record.id)).scalars()}
    differing = [employee_id for employee_id in set(snapshot_rows) | set(results)
                 if employee_id not in snapshot_rows or employee_id not in results
                 or not _same_result(results[employee_id], snapshot_rows[employee_id])]
    if not differing:
        return []
    staff = dict(session.execute(select(m.Employee.id, m.Employee.staff_no).where(m.Employee.id.in_(differing))).all())
    return sorted(str(staff.get(employee_id, employee_id)) for employee_id in differing)


def _same_result(result: m.Result, row: dict[str, Any]) -> bool:
    for column in RESULT_COLUMNS:
        stored, finalized = getattr(result, column), row.get(column)
        if isinstance(stored, Decimal) or isinstance(finalized, float):
            if stored is None or finalized is None:
                if (stored is None) != (finalized is None):
                    return False
            elif abs(float(stored) - float(finalized)) > 0.00006:
                return False
        elif (None if stored is None else str(stored)) != (None if finalized is None else str(finalized)):
            return False
    return True


def _check_witnessed_finalizations(session: Session, finalizations: list[witness.WitnessLine],
                                   records: dict[str, m.PeriodRecord], report: IntegrityReport) -> None:
    """Every finalization witnessed outside the file must still be in it with the same snapshot hash, and
    a period still standing on its witnessed finalization must show that snapshot (a reopening and a new
    finalization can give identical content, so the stored hash alone is not enough)."""
    stored = {(code, digest) for code, digest in session.execute(
        select(m.PeriodRecord.code, m.Snapshot.content_hash).join(m.Snapshot, m.Snapshot.period_id == m.PeriodRecord.id))}
    latest = {line.period: line for line in finalizations if line.period}
    for line in finalizations:
        record = records.get(line.period or "")
        missing = (line.period, line.snapshot_hash) not in stored
        if not missing and latest.get(line.period or "") is line and record is not None \
                and record.status == PeriodStatus.FINALIZED and audited_hash(session, record.code) == line.snapshot_hash:
            current = current_snapshot(session, record)
            missing = current is None or current.content_hash != line.snapshot_hash
        if line.period and missing:
            report.problems.append(_(
                "The finalization of {period} witnessed at {at} (hash {hash}…) is not in the database: its "
                "snapshot was removed or replaced.").format(
                period=line.period, at=line.shown_at, hash=(line.snapshot_hash or "—")[:16]))


@requires(Permission.AUDIT_READ)
def verify_integrity(db: Database, actor: Actor) -> IntegrityReport:
    """``audit verify`` and ``db check``: :func:`check_integrity` for a user allowed to read the audit log."""
    with db.session() as session:
        return check_integrity(session)
