"""Finalizing a period together with its pay, for services that already hold a session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kpidesk.services.actor import Actor
from kpidesk.services.appraisal import period_review, periods
from kpidesk.services.pay import payroll


def finalize_period(session: Session, actor: Actor, period: str) -> periods.Finalized:
    """Lock the period's results and, when the organisation computes pay, freeze its pay with them."""
    done = periods.finalize_period(session, actor, period)
    _freeze_pay(session, actor, done)
    return done


def finalize_after_review(session: Session, actor: Actor, period: str) -> periods.Finalized:
    """As :func:`finalize_period`, refused while an appeal still waits for its answer."""
    done = period_review.finalize_after_review(session, actor, period)
    _freeze_pay(session, actor, done)
    return done


def _freeze_pay(session: Session, actor: Actor, done: periods.Finalized) -> None:
    """Pay is fixed with the scores it was computed from, in the unit of work that fixed the scores."""
    if payroll.pay_in_use(session):
        payroll.freeze_pay(session, actor, done.code)
