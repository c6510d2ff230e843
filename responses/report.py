"""The response report: per addressee, how the letter went out and whether, how and how fast
the addressee answered.

Rule: a Maildir delivery is reported as "written to outbox", never as sent; automatic
acknowledgements are shown as such and do not count as answers; the status comes from
``responses.status`` alone (overdue only when the caller says what day it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from responses.status import due_on, manual_statuses, status_of
from storage.tables import (
    Addressee,
    AnswerStanding,
    Batch,
    Campaign,
    Delivery,
    Letter,
    Response,
)

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
    stance: str = ""
    category: str = ""
    country: str = ""
    due_on: date | None = None


def _newest_letters(
    uow: Session, campaign: Campaign, *, offset: int, limit: int | None
) -> list[tuple[Letter, Addressee]]:
    """Each addressee's newest letter of the campaign, by addressee key (one query); a page
    of them with ``limit``."""
    newest = (
        select(func.max(Letter.id))
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Batch.campaign_id == campaign.id)
        .group_by(Letter.addressee_id)
    )
    if limit is not None:  # a page: answer_standings keeps the newest letters already
        newest = (
            select(AnswerStanding.letter_id)
            .join(Addressee, Addressee.id == AnswerStanding.addressee_id)
            .where(AnswerStanding.campaign_id == campaign.id)
            .order_by(Addressee.key)
            .offset(offset)
            .limit(limit)
        )
    query = (
        select(Letter, Addressee)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Letter.id.in_(newest))
        .order_by(Addressee.key)
    )
    return [(letter, addressee) for letter, addressee in uow.execute(query).all()]


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


DEFAULT_WORKING_DAYS = 20


def _delivered_at(delivery: Delivery | None) -> datetime | None:
    return delivery.finished_at if delivery and delivery.state in {"sent", "written"} else None


def _delivery_word(delivery: Delivery | None, addressee: Addressee) -> str:
    if delivery is not None:
        return DELIVERY_WORDS.get(delivery.state, delivery.state)
    return "no contact channel" if not addressee.email else "not queued"


def _responses(
    uow: Session, campaign: Campaign, addressee_ids: list[int] | None
) -> dict[int, list[Response]]:
    query = select(Response).where(Response.campaign_id == campaign.id)
    if addressee_ids is not None:
        query = query.where(Response.addressee_id.in_(addressee_ids))
    responses: dict[int, list[Response]] = {}
    for response in uow.scalars(query.order_by(Response.received_at)):
        responses.setdefault(response.addressee_id, []).append(response)
    return responses


def response_report(
    uow: Session,
    campaign: Campaign,
    *,
    today: date | None = None,
    working_days: int = DEFAULT_WORKING_DAYS,
    offset: int = 0,
    limit: int | None = None,
) -> list[ReportRow]:
    """One row per addressee the campaign has written to, about the newest letter to them;
    with ``limit``, one page of them (by addressee key).

    ``today`` turns silent addressees past their due date into ``overdue``; without it they
    stay ``awaiting``."""
    rows = _newest_letters(uow, campaign, offset=offset, limit=limit)
    deliveries = _first_deliveries(uow, [letter.id for letter, _ in rows])
    responses = _responses(uow, campaign, None if limit is None else [a.id for _, a in rows])
    manual = manual_statuses(uow, campaign.id)
    report = []
    for letter, addressee in rows:
        delivered_at = _delivered_at(deliveries.get(letter.id))
        answers = [r for r in responses.get(addressee.id, []) if r.kind == "response"]
        first = answers[0] if answers else None
        due = (
            due_on(delivered_at.date(), working_days=working_days, country=addressee.country)
            if delivered_at
            else None
        )
        days = None
        if first and delivered_at:
            days = round((first.received_at - delivered_at).total_seconds() / 86400, 1)
        status = status_of(
            manual=manual.get(addressee.id),
            answered=bool(answers),
            acknowledged=len(responses.get(addressee.id, [])) > len(answers),
            delivered_at=delivered_at,
            due=due,
            today=today or date.min,
        )
        report.append(
            ReportRow(
                addressee.key,
                addressee.name,
                letter.status,
                _delivery_word(deliveries.get(letter.id), addressee),
                delivered_at,
                status,
                first.received_at if first else None,
                days,
                first.channel if first else "",
                first.summary if first else "",
                stance=first.stance if first else "",
                category=addressee.category,
                country=addressee.country,
                due_on=due,
            )
        )
    return report
