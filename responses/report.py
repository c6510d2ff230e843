"""The response report: per addressee, how the letters went out and whether, how and how fast
the addressee answered, over the whole thread (``campaigns.threads``: every batch counts).

Rule: a Maildir delivery is reported as "written to outbox", never as sent; automatic
acknowledgements are shown as such and do not count as answers; the status comes from
``responses.status`` alone (overdue only when the caller says what day it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.threads import Thread, chunks, load_threads
from responses.deadlines import Due, deadlines_of
from responses.status import manual_statuses, status_of
from storage.tables import Addressee, AnswerStanding, Campaign, Delivery

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
    letters: int = 1  # how many letters the thread holds (every batch)
    answered_batch: int | None = None  # the batch of the letter the first answer is credited to
    deadline: str = ""  # the answer deadline that applies ("20 working days", "21 days")


def _page(uow: Session, campaign: Campaign, *, offset: int, limit: int | None) -> list[int] | None:
    """The addressee ids of one page (by addressee key), or None for every addressee."""
    if limit is None:
        return None
    query = (
        select(AnswerStanding.addressee_id)
        .join(Addressee, Addressee.id == AnswerStanding.addressee_id)
        .where(AnswerStanding.campaign_id == campaign.id)
        .order_by(Addressee.key)
        .offset(offset)
        .limit(limit)
    )
    return list(uow.scalars(query))


def _delivery_word(delivery: Delivery | None, addressee: Addressee) -> str:
    if delivery is not None:
        return DELIVERY_WORDS.get(delivery.state, delivery.state)
    return "no contact channel" if not addressee.email else "not queued"


def _row(
    thread: Thread,
    addressee: Addressee,
    manual: str | None,
    *,
    today: date | None,
    working_days: Due,
) -> ReportRow:
    delivered_at = thread.delivered_at
    first = thread.first_answer
    credited = thread.credited(first)[0] if first else None
    due = (
        deadlines_of(working_days).due(
            delivered_at.date(), category=addressee.category, country=addressee.country
        )
        if delivered_at
        else None
    )
    status = status_of(
        manual=manual,
        answered=first is not None,
        acknowledged=thread.acknowledged,
        delivered_at=delivered_at,
        due=due,
        today=today or date.min,
    )
    return ReportRow(
        addressee.key,
        addressee.name,
        thread.newest.letter.status,
        _delivery_word(thread.first_delivery(), addressee),
        delivered_at,
        status,
        first.received_at if first else None,
        thread.days_to_answer(),
        first.channel if first else "",
        first.summary if first else "",
        stance=first.stance if first else "",
        category=addressee.category,
        country=addressee.country,
        due_on=due,
        letters=len(thread.letters),
        answered_batch=credited.batch.id if credited else None,
        deadline=deadlines_of(working_days)
        .rule_for(addressee.category, addressee.country)
        .describe(),
    )


def response_report(
    uow: Session,
    campaign: Campaign,
    *,
    today: date | None = None,
    working_days: Due,
    offset: int = 0,
    limit: int | None = None,
) -> list[ReportRow]:
    """One row per addressee the campaign has written to, about their whole thread (every
    batch: ``campaigns.threads``); with ``limit``, one page of them (by addressee key).

    ``today`` turns silent addressees past their due date into ``overdue``; without it they
    stay ``awaiting``. ``working_days``: when an answer is due (``Settings.answer_deadlines``,
    from ADVOCACY_ANSWER_DUE_RULES); no default, so no caller can leave the policy out."""
    threads = load_threads(uow, campaign.id, _page(uow, campaign, offset=offset, limit=limit))
    addressees = {
        a.id: a
        for chunk in chunks(list(threads))
        for a in uow.scalars(select(Addressee).where(Addressee.id.in_(chunk)))
    }
    manual = manual_statuses(uow, campaign.id)
    ordered = sorted(threads.values(), key=lambda t: addressees[t.addressee_id].key)
    return [
        _row(
            t,
            addressees[t.addressee_id],
            manual.get(t.addressee_id),
            today=today,
            working_days=working_days,
        )
        for t in ordered
    ]
