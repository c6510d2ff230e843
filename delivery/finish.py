"""Recording the outcomes of claimed rows: sent, retry later, failed, and what follows from it.

Rule: an outcome is written only over the claim that produced it (``attempts`` fences it: a
row re-claimed by another worker since is left to that worker), through ``states.move``, and
settles the claim (``unsettled_claims`` back to 0). Every attempt that did not succeed adds a
line to the row's ``history``; a row that fails carries the whole of it. A permanent refusal
at RCPT opens a channel check, as a permanent bounce does: the next batch skips the address
until staff clear it.

Durable steps: the outcomes of a batch are one transaction. If the process dies before it
commits, the rows stay ``sending`` until their lease expires and are claimed again (same
Message-ID: at-least-once, receivers de-duplicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.retry import RetryPolicy
from delivery.states import State, move
from delivery.windows import SendWindow
from recipients.checks import open_check
from storage import audit
from storage.tables import Addressee, Batch, Delivery, Letter
from timeutil import Clock

RETRY = "retry"


@dataclass(frozen=True)
class Outcome:
    """One attempt's result for a claimed row; ``attempts`` is the count the claim set, which
    fences the write. ``state``: the transport's final state, ``"retry"`` or ``"failed"``;
    ``check_channel``: the recipient was refused permanently (5xx at RCPT)."""

    delivery_id: int
    attempts: int
    state: str
    error: str = ""
    check_channel: bool = False
    transport: str = ""  # the transport's name; "" → ``finish_batch``'s


def finish_batch(
    uow: Session,
    outcomes: Sequence[Outcome],
    *,
    clock: Clock,
    transport: str,
    policy: RetryPolicy | None = None,
    window: SendWindow | None = None,
) -> dict[int, str]:
    """Record the outcomes of a claimed batch in one transaction; return each row's new state.

    Temporary failures wait by ``policy`` (backoff with jitter) until its horizon, then fail
    with their history (a sending ``window`` moves a retry to the office's next opening). A
    row no longer ``sending`` under the same claim is skipped.
    """
    policy, now = policy or RetryPolicy(), clock.now()
    wanted = {o.delivery_id: o for o in outcomes}
    rows = uow.execute(
        select(Delivery, Letter.addressee_id, Batch.campaign_id, Addressee.country)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Delivery.id.in_(sorted(wanted)))
        .order_by(Delivery.id)
    ).all()
    states = {}
    for delivery, addressee_id, campaign_id, country in rows:
        outcome = wanted[delivery.id]
        if delivery.state != State.SENDING or delivery.attempts != outcome.attempts:
            continue
        used = outcome.transport or transport
        _apply(delivery, outcome, now=now, transport=used, policy=policy)
        if window is not None and delivery.state == State.RETRY_WAIT:
            delivery.next_attempt_at = window.next_open(delivery.next_attempt_at, country)
        if outcome.check_channel:
            open_check(uow, delivery, addressee_id=addressee_id, reason=outcome.error, at=now)
        states[delivery.id] = delivery.state
        audit.record(
            uow,
            at=now,
            actor="worker",
            action=f"delivery.{delivery.state}",
            subject=f"delivery:{delivery.id}",
            campaign_id=campaign_id,
            recipient=delivery.recipient,
            sha256=delivery.sha256,
            message_id=delivery.message_id,
            transport=used,
            error=outcome.error,
        )
    return states


def _apply(
    delivery: Delivery, outcome: Outcome, *, now: datetime, transport: str, policy: RetryPolicy
) -> None:
    delivery.transport, delivery.unsettled_claims = transport, 0
    if outcome.state not in (RETRY, State.FAILED.value):
        move(delivery, State(outcome.state), at=now, error="")
        return
    delivery.history += f"{now:%Y-%m-%d %H:%M} attempt {delivery.attempts}: {outcome.error}\n"
    if outcome.state == State.FAILED.value:
        move(delivery, State.FAILED, at=now, error=outcome.error)
        return
    first = delivery.first_attempt_at or now
    when = policy.next_attempt(delivery.id, delivery.attempts, first_attempt=first, now=now)
    if when is None:
        hours = policy.horizon.total_seconds() / 3600
        lines = delivery.history.strip()
        move(
            delivery,
            State.FAILED,
            at=now,
            error=f"gave up after {hours:g} h and {delivery.attempts} attempts:\n{lines}",
        )
        return
    move(delivery, State.RETRY_WAIT, at=now, error=outcome.error)
    delivery.next_attempt_at = when
