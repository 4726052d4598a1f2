"""What keeps an anonymous peer answer from being traced to its rater once it is submitted.

The draft knows its rater; submitting writes the answer anew with random ids and no rater or time, deletes
the draft, and marks in ``AnsweredRater`` only that the rater has answered (to refuse a second answer and to
chase missing ones). The submitted answer is final, and the audit trail keeps of it neither user nor levels.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.forms import Form, RaterRole
from kpidesk.domain.statuses import ResponseStatus
from kpidesk.errors import ValidationError
from kpidesk.i18n import N_, _
from kpidesk.services.safety import audit
from kpidesk.store import models as m
from kpidesk.store.models.forms import random_row_id

#: How an anonymous peer is named wherever people can read it (translated when shown).
ANONYMOUS_PEER = N_("anonymous peer")


def is_final(response: m.FormResponse) -> bool:
    """A submitted anonymous answer: nobody can be told it is theirs, so nobody may change or withdraw it."""
    return response.anonymous and response.status == ResponseStatus.SUBMITTED


def final_error() -> ValidationError:
    """The refusal to change, reopen or withdraw a submitted anonymous answer."""
    return ValidationError(_("A submitted anonymous answer is final: it can be neither changed nor withdrawn, "
                             "because nothing links it to its rater any more."))


def has_answered(session: Session, period_id: int, employee_id: int, form_version_id: int, role: RaterRole,
                 rater_id: int) -> bool:
    """Whether the rater has submitted an anonymous answer for the employee on this form in this period."""
    return session.execute(select(m.AnsweredRater.id).where(
        m.AnsweredRater.period_id == period_id, m.AnsweredRater.employee_id == employee_id,
        m.AnsweredRater.form_version_id == form_version_id, m.AnsweredRater.rater_role == role.value,
        m.AnsweredRater.rater_id == rater_id)).first() is not None


def audit_view(
    response: m.FormResponse, employee: m.Employee, record: m.PeriodRecord, form_key: str
) -> dict:
    """What the audit trail keeps of a response. Of an anonymous one it keeps no levels: the entries are in
    time order beside entries naming people, and content would let anyone match them to an answer."""
    rater: Any = ANONYMOUS_PEER if response.anonymous else response.rater_id
    view = {
        "period": record.code,
        "employee": employee.staff_no,
        "form": form_key,
        "role": response.rater_role,
        "rater": rater,
        "status": response.status,
    }
    if not response.anonymous:
        view["levels"] = {r.criterion_key: r.level_key for r in response.ratings}
    return view


def random_ids(session: Session, model: type[m.FormResponse | m.FormRating | m.AnsweredRater]) -> Iterator[int]:
    """Random ids for new rows of ``model`` that no row has, checked against the table a batch at a time
    (one query per batch, and without flushing the rows not written yet)."""
    while True:
        wanted = {random_row_id() for _ in range(16)}
        with session.no_autoflush:
            used = set(session.execute(select(model.id).where(model.id.in_(wanted))).scalars())
        yield from wanted - used


def submit_anonymously(
    session: Session,
    record: m.PeriodRecord,
    employee: m.Employee,
    form: Form,
    form_version_id: int,
    role: RaterRole,
    rater_id: int | None,
    answers: tuple[Mapping[str, str | None], Mapping[str, str | None], dict[str, str]],
    *,
    draft: m.FormResponse | None,
) -> int:
    """Write an anonymous answer that cannot be traced to its rater: a fresh row with new random ids and
    no rater or time, the draft (which knew the rater) deleted, and the rater only marked as having answered.
    The audit entry names no user and no answer, only that an anonymous peer answered for the employee."""
    levels, comments, texts = answers
    rating_ids = random_ids(session, m.FormRating)
    answer = m.FormResponse(
        id=next(random_ids(session, m.FormResponse)),
        period_id=record.id,
        employee_id=employee.id,
        form_version_id=form_version_id,
        rater_role=role.value,
        rater_id=None,
        anonymous=True,
        status=ResponseStatus.SUBMITTED,
        texts=texts or None,
        updated_at=None,
        submitted_at=None,
    )
    for criterion in form.criteria:
        level, comment = levels.get(criterion.id), comments.get(criterion.id)
        if level is not None or comment is not None:
            answer.ratings.append(m.FormRating(id=next(rating_ids),
                                               criterion_key=criterion.id, level_key=level, comment=comment))
    if draft is not None:
        session.delete(draft)
    if rater_id is not None:
        session.add(m.AnsweredRater(
            id=next(random_ids(session, m.AnsweredRater)), period_id=record.id, employee_id=employee.id,
            form_version_id=answer.form_version_id, rater_role=role.value, rater_id=rater_id))
    session.add(answer)
    session.flush()
    audit.record(session, ANONYMOUS_PEER, "form.submit", entity="form_response",
                 new=audit_view(answer, employee, record, form.id))
    return answer.id


def answered_raters(session: Session, record: m.PeriodRecord, form_version_id: int) -> set[tuple[int, str, int]]:
    """(employee, role, rater) of every anonymous answer submitted to one form version in a period."""
    rows = session.execute(
        select(m.AnsweredRater.employee_id, m.AnsweredRater.rater_role, m.AnsweredRater.rater_id).where(
            m.AnsweredRater.period_id == record.id, m.AnsweredRater.form_version_id == form_version_id
        )
    ).all()
    return {(employee_id, role, rater_id) for employee_id, role, rater_id in rows}
