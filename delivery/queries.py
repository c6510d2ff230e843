"""Read-only questions about the outbox, one named function each (for the CLI and reports).

Rule: these never change a row; changes go through ``delivery.intervene`` (staff) or
``delivery.outbox`` (the worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from delivery.claims import due_condition
from delivery.states import NAMES
from storage.tables import Addressee, Batch, Campaign, Delivery, Letter

STATES = NAMES


@dataclass(frozen=True)
class OutboxRow:
    id: int
    campaign: str
    addressee: str
    channel: str
    recipient: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    lease_until: datetime | None = None


def with_context(*columns: Any) -> Select[Any]:
    """``select(*columns)`` over deliveries joined to their letter, batch, campaign and
    addressee: what every outbox list shows beside a delivery."""
    return (
        select(*columns)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .join(Campaign, Batch.campaign_id == Campaign.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
    )


def outbox_rows(
    uow: Session, *, state: str | None = None, campaign_key: str | None = None, limit: int = 500
) -> list[OutboxRow]:
    """Outbox rows, oldest first, optionally only one state and/or one campaign."""
    query = with_context(Delivery, Campaign.key, Addressee.key).order_by(Delivery.id).limit(limit)
    if state is not None:
        query = query.where(Delivery.state == state)
    if campaign_key is not None:
        query = query.where(Campaign.key == campaign_key)
    return [
        OutboxRow(
            d.id,
            campaign,
            addressee,
            d.channel,
            d.recipient,
            d.state,
            d.attempts,
            d.next_attempt_at,
            d.last_error,
            d.lease_until,
        )
        for d, campaign, addressee in uow.execute(query).all()
    ]


def count_due(uow: Session, now: datetime, channels: tuple[str, ...] = ("email",)) -> int:
    """How many rows ``claim_due`` would hand out now (the same conditions, uncapped)."""
    due = due_condition(now) & Delivery.channel.in_(channels)
    return int(uow.scalar(select(func.count(Delivery.id)).where(due)) or 0)
