"""The response report: per addressee, how the letter went out and whether, how and how fast
the addressee answered.

Rule: a Maildir delivery is reported as "written to outbox", never as sent; automatic
acknowledgements are shown as such and do not count as answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.tables import Addressee, Batch, Campaign, Delivery, Letter, Response

DELIVERY_WORDS = {
    "sent": "sent",
    "written": "written to outbox",
    "queued": "queued",
    "sending": "sending",
    "retry_wait": "retrying",
    "failed": "failed",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class ReportRow:
    addressee_key: str
    addressee_name: str
    letter_status: str
    delivery: str
    delivered_at: datetime | None
    status: str
    answered_at: datetime | None
    days_to_answer: float | None
    channel: str
    summary: str


def _newest_letters(uow: Session, campaign: Campaign) -> list[tuple[Letter, Addressee]]:
    """Each addressee's newest letter of the campaign, by addressee key (one query)."""
    newest = (
        select(func.max(Letter.id))
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Batch.campaign_id == campaign.id)
        .group_by(Letter.addressee_id)
    )
    rows = uow.execute(
        select(Letter, Addressee)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Letter.id.in_(newest))
        .order_by(Addressee.key)
    ).all()
    return [(letter, addressee) for letter, addressee in rows]


def _first_deliveries(uow: Session, letter_ids: list[int]) -> dict[int, Delivery]:
    """The first delivery row of each letter (one query per 1,000 letters, not one each)."""
    first: dict[int, Delivery] = {}
    for start in range(0, len(letter_ids), 1000):
        chunk = letter_ids[start : start + 1000]
        for delivery in uow.scalars(
            select(Delivery).where(Delivery.letter_id.in_(chunk)).order_by(Delivery.id)
        ):
            first.setdefault(delivery.letter_id, delivery)
    return first


def response_report(uow: Session, campaign: Campaign) -> list[ReportRow]:
    """One row per addressee the campaign has written to, about the newest letter to them."""
    rows = _newest_letters(uow, campaign)
    deliveries = _first_deliveries(uow, [letter.id for letter, _ in rows])
    responses: dict[int, list[Response]] = {}
    for response in uow.scalars(
        select(Response).where(Response.campaign_id == campaign.id).order_by(Response.received_at)
    ):
        responses.setdefault(response.addressee_id, []).append(response)
    report = []
    for letter, addressee in rows:
        delivery = deliveries.get(letter.id)
        answers = [r for r in responses.get(addressee.id, []) if r.kind == "response"]
        acks = [r for r in responses.get(addressee.id, []) if r.kind != "response"]
        delivered_at = (
            delivery.finished_at if delivery and delivery.state in {"sent", "written"} else None
        )
        first = answers[0] if answers else None
        days = None
        if first and delivered_at:
            days = round((first.received_at - delivered_at).total_seconds() / 86400, 1)
        status = (
            "responded"
            if answers
            else "acknowledged"
            if acks
            else "awaiting"
            if delivered_at
            else "not delivered"
        )
        report.append(
            ReportRow(
                addressee.key,
                addressee.name,
                letter.status,
                DELIVERY_WORDS.get(delivery.state, delivery.state)
                if delivery
                else ("no contact channel" if not addressee.email else "not queued"),
                delivered_at,
                status,
                first.received_at if first else None,
                days,
                first.channel if first else "",
                first.summary if first else "",
            )
        )
    return report
