"""Staff interventions on outbox rows: retry a waiting or failed delivery now, or cancel one.

Rule: only rows no worker holds may change: ``sending`` rows are under a lease and ``sent`` or
``written`` rows are done, so both are refused (``Conflict``). A retry keeps the Message-ID and
the approved bytes; the worker checks the approval again as for any attempt. Every change is
audited with the reason given.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from errors import Conflict, NotFound
from storage import audit
from storage.tables import Batch, Delivery, Letter
from timeutil import Clock

RETRYABLE = frozenset({"retry_wait", "failed", "cancelled"})
# A printed postal letter has not gone out until staff mark it posted: it can still be stopped.
CANCELLABLE = frozenset({"queued", "retry_wait", "failed", "printed"})


def _delivery(uow: Session, delivery_id: int) -> Delivery:
    delivery = uow.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id}")
    return delivery


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
        previous_error=delivery.last_error,
        reason=reason,
    )


def retry_now(
    uow: Session, delivery_id: int, *, actor: str, clock: Clock, reason: str = ""
) -> Delivery:
    """Queue a waiting, failed or cancelled delivery for the worker's next pass."""
    delivery = _delivery(uow, delivery_id)
    if delivery.state not in RETRYABLE:
        raise Conflict(
            f"delivery {delivery_id} is {delivery.state}; only waiting, failed or "
            "cancelled deliveries can be retried"
        )
    _audit(uow, delivery, "delivery.retry", actor=actor, clock=clock, reason=reason)
    delivery.state, delivery.next_attempt_at, delivery.finished_at = "queued", clock.now(), None
    return delivery


def cancel(
    uow: Session, delivery_id: int, *, actor: str, clock: Clock, reason: str = ""
) -> Delivery:
    """Stop a delivery that has not gone out; it stays listed as cancelled."""
    delivery = _delivery(uow, delivery_id)
    if delivery.state not in CANCELLABLE:
        raise Conflict(
            f"delivery {delivery_id} is {delivery.state}; only queued, waiting, failed or "
            "printed (not yet posted) deliveries can be cancelled"
        )
    _audit(uow, delivery, "delivery.cancel", actor=actor, clock=clock, reason=reason)
    delivery.state, delivery.finished_at = "cancelled", clock.now()
    return delivery
