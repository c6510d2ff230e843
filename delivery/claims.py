"""Claiming due outbox rows for a worker, and holding the rows that keep killing workers.

Rule: the "what is due" rule lives in ``due_condition`` (documented on ``claim_due``), shared
with ``count_due`` and ``next_due``. A claim sets the lease, counts the attempt and one more
*unsettled* claim; recording an outcome settles it (``delivery.finish``). A row claimed
``max_claims`` times without an outcome (its send crashed the worker, or hung past its lease,
each time) is moved to ``held`` in the same transaction, for staff, instead of being claimed
once more: one poison row must not take every worker down forever (Mailman's "bad" queue).

Durable steps: the claim commits before any send, so a crash after it leaves the row
``sending`` under a lease that expires; the next claim takes it again, same Message-ID.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, or_, select, update
from sqlalchemy.orm import Session

from delivery.states import State, move, sources_of
from storage import audit
from storage.db import Database
from storage.tables import Batch, Delivery, Letter

CLAIMABLE = sources_of(State.SENDING)


def due_condition(now: datetime) -> ColumnElement[bool]:
    """The "what is due" rule, documented on ``claim_due``; shared with ``count_due``."""
    rule = or_(
        Delivery.state == State.QUEUED,
        (Delivery.state == State.RETRY_WAIT) & (Delivery.next_attempt_at <= now),
        (Delivery.state == State.SENDING) & (Delivery.lease_until < now),
    )
    assert {State.QUEUED, State.RETRY_WAIT, State.SENDING} <= CLAIMABLE  # the lifecycle agrees
    # A queued row may wait for its sending window (``next_attempt_at`` in the future).
    return rule & (Delivery.next_attempt_at <= now)


def claim_due(
    db: Database,
    *,
    limit: int,
    now: datetime,
    lease: timedelta,
    max_claims: int = 3,
    channels: Collection[str] = ("email",),
) -> list[int]:
    """Claim up to ``limit`` due deliveries for this worker and return their ids.

    A row is due when its ``next_attempt_at`` has come and it is
      - ``queued``, or
      - ``retry_wait``, or
      - ``sending`` and its lease has expired (the worker holding it died).
    Only automatic ``channels`` are claimed (the registry's; postal and manual rows wait for
    staff). Claimed rows become ``sending`` with ``lease_until = now + lease``, one more
    attempt and one more unsettled claim. A due row already claimed ``max_claims`` times
    without an outcome becomes ``held`` instead (audited) and is not returned.
    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets several workers claim disjoint rows at once.
    SQLite: the unit of work began with ``BEGIN IMMEDIATE``, so claims are serialised.
    """
    due = due_condition(now) & Delivery.channel.in_(list(channels))
    with db.unit_of_work() as uow:
        query = (
            select(Delivery.id, Delivery.unsettled_claims)
            .where(due)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
        if not db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        found = uow.execute(query).all()
        poison = [i for i, claims in found if claims >= max_claims]
        ids = [i for i, claims in found if claims < max_claims]
        if poison:
            _hold(uow, poison, now=now, max_claims=max_claims)
        if ids:
            uow.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(
                    state=State.SENDING.value,
                    lease_until=now + lease,
                    attempts=Delivery.attempts + 1,
                    unsettled_claims=Delivery.unsettled_claims + 1,
                    first_attempt_at=case(
                        (Delivery.first_attempt_at.is_(None), now),
                        else_=Delivery.first_attempt_at,
                    ),
                )
            )
    return ids


def _hold(uow: Session, ids: list[int], *, now: datetime, max_claims: int) -> None:
    rows = uow.execute(
        select(Delivery, Batch.campaign_id)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Delivery.id.in_(ids))
    ).all()
    for delivery, campaign_id in rows:
        why = (
            f"held: claimed {delivery.unsettled_claims} times without an outcome (each worker "
            f"holding it died or hung); last error: {delivery.last_error or 'none'}"
        )
        move(delivery, State.HELD, at=now, error=why)
        audit.record(
            uow,
            at=now,
            actor="worker",
            action="delivery.held",
            subject=f"delivery:{delivery.id}",
            campaign_id=campaign_id,
            recipient=delivery.recipient,
            claims=delivery.unsettled_claims,
            max_claims=max_claims,
        )


def next_due(uow: Session, now: datetime, channels: Collection[str]) -> datetime | None:
    """When the next row not due yet becomes due (a retry, a window, a running lease)."""
    when = case(
        (Delivery.state == State.SENDING, Delivery.lease_until), else_=Delivery.next_attempt_at
    )
    waiting = Delivery.state.in_([State.QUEUED, State.RETRY_WAIT, State.SENDING])
    query = select(func.min(when)).where(waiting, Delivery.channel.in_(list(channels)))
    found: datetime | None = uow.scalar(query)
    return found
