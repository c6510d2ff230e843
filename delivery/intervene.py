"""Staff interventions on outbox rows: retry a waiting, failed or held delivery now, or cancel one.

Rule: only rows no worker holds may change. A ``sending`` row under a running lease belongs to
its worker and is refused (``Conflict``), but one whose lease has expired belongs to no one
(its worker died) and may be retried or cancelled; ``sent`` and ``written`` rows are done. A
retry keeps the Message-ID and the approved bytes, starts a new retry horizon and forgets the
unsettled claims; the worker checks the approval again as for any attempt. Every change is
audited with the reason given. The moves themselves are ``delivery.states``'.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from delivery.states import State, may_move, move
from errors import Conflict, NotFound
from storage import audit
from storage.tables import Batch, Delivery, Letter
from timeutil import Clock


def _delivery(uow: Session, delivery_id: int) -> Delivery:
    delivery = uow.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id}")
    return delivery


def _free(delivery: Delivery, target: State, now: datetime) -> bool:
    """No worker holds the row, and the lifecycle allows the move."""
    if delivery.state == State.SENDING:
        return delivery.lease_until is None or delivery.lease_until < now
    return may_move(delivery.state, target)


def _audit(
    uow: Session, delivery: Delivery, action: str, *, actor: str, clock: Clock, reason: str
) -> None:
    letter = uow.get_one(Letter, delivery.letter_id)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action=action,
        subject=f"delivery:{delivery.id}",
        campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
        recipient=delivery.recipient,
        previous_state=delivery.state,
        previous_error=delivery.last_error,
        reason=reason,
    )


def retry_now(
    uow: Session, delivery_id: int, *, actor: str, clock: Clock, reason: str = ""
) -> Delivery:
    """Queue a waiting, failed, cancelled or held delivery (or one whose worker died) for the
    worker's next pass."""
    delivery, now = _delivery(uow, delivery_id), clock.now()
    if not _free(delivery, State.QUEUED, now) or delivery.state == State.QUEUED:
        raise Conflict(
            f"delivery {delivery_id} is {_described(delivery, now)}; only waiting, failed, "
            "cancelled or held deliveries, or ones whose lease has expired, can be retried"
        )
    _audit(uow, delivery, "delivery.retry", actor=actor, clock=clock, reason=reason)
    move(delivery, State.QUEUED, at=now)
    delivery.next_attempt_at, delivery.unsettled_claims, delivery.first_attempt_at = now, 0, None
    return delivery


def cancel(
    uow: Session, delivery_id: int, *, actor: str, clock: Clock, reason: str = ""
) -> Delivery:
    """Stop a delivery that has not gone out; it stays listed as cancelled."""
    delivery, now = _delivery(uow, delivery_id), clock.now()
    if not _free(delivery, State.CANCELLED, now):
        raise Conflict(
            f"delivery {delivery_id} is {_described(delivery, now)}; only queued, waiting, "
            "failed, held or printed (not yet posted) deliveries, or ones whose lease has "
            "expired, can be cancelled"
        )
    _audit(uow, delivery, "delivery.cancel", actor=actor, clock=clock, reason=reason)
    move(delivery, State.CANCELLED, at=now)
    return delivery


def _described(delivery: Delivery, now: datetime) -> str:
    if delivery.state == State.SENDING and delivery.lease_until is not None:
        return f"sending (a worker holds it until {delivery.lease_until:%Y-%m-%d %H:%M:%S} UTC)"
    return delivery.state
