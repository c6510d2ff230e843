"""What the outbox page shows: rows by state and channel, each question one query.

Rule: as ``web.queries`` (a fixed number of queries per page, lists limited); the email rows
the worker sends and the rows staff carry by hand (post, web forms) are listed apart.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from delivery.queries import with_context
from storage.tables import Addressee, Batch, Campaign, Delivery


def delivery_states(uow: Session) -> dict[str, int]:
    """How many outbox rows are in each state."""
    query = select(Delivery.state, func.count(Delivery.id)).group_by(Delivery.state)
    return {key: n for key, n in uow.execute(query).all()}  # noqa: C416 (Rows, not pairs)


def outbox_rows(
    uow: Session,
    states: tuple[str, ...],
    *,
    channels: tuple[str, ...] = ("email",),
    limit: int,
) -> list[tuple[Delivery, str, str]]:
    """Deliveries the worker sends (the registry's automatic ``channels``) in these states
    with campaign key and addressee name, most urgent first. Postal and web-form rows wait for
    staff, not the worker: ``hand_rows`` lists them."""
    query = (
        with_context(Delivery, Campaign.key, Addressee.name)
        .where(Delivery.channel.in_(channels), Delivery.state.in_(states))
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    return [(d, key, name) for d, key, name in uow.execute(query)]


def hand_rows(
    uow: Session, channel: str, states: tuple[str, ...], *, limit: int
) -> list[tuple[Delivery, int, str, str, str]]:
    """Deliveries staff carry by hand (``postal``, ``manual``) in these states, with batch id,
    campaign key, addressee key and name; by batch, then in the print batch's order."""
    query = (
        with_context(Delivery, Batch.id, Campaign.key, Addressee.key, Addressee.name)
        .where(Delivery.channel == channel, Delivery.state.in_(states))
        .order_by(Batch.id, Addressee.country, Addressee.key)
        .limit(limit)
    )
    return [(d, b, c, key, name) for d, b, c, key, name in uow.execute(query)]
