"""What the staff pages show, each question one query over the whole database.

Rule: a page costs a fixed number of queries however many letters and deliveries there are:
counts are grouped in SQL, lists are paged, and nothing loops over rows issuing a query per
row (the benchmark compares these pages against exactly that N+1 shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import Session

from campaigns.goals import standing
from responses.deadlines import Due
from responses.standing import status_column
from storage.tables import (
    Addressee,
    AnswerStanding,
    Batch,
    Campaign,
    Delivery,
    Document,
    Letter,
)
from timeutil import Clock

IN_FLIGHT = ("queued", "sending", "retry_wait")


@dataclass(frozen=True)
class CampaignRow:
    key: str
    title: str
    count: int
    previous_goal: int
    next_goal: int | None
    next_dated: str
    public_page: bool
    in_review: int
    in_flight: int
    overdue: int


@dataclass(frozen=True)
class BatchRow:
    id: int
    campaign_key: str
    campaign_title: str
    reason: str
    created_at: datetime
    created_by: str
    waiting: int


@dataclass(frozen=True)
class ReviewRow:
    letter_id: int
    addressee_key: str
    addressee_name: str
    language: str
    revision: int
    pdf_size: int


def _per_campaign(uow: Session, query: Any) -> dict[int, int]:
    return {key: n for key, n in uow.execute(query).all()}  # noqa: C416 (Rows, not pairs)


def _letters_in(uow: Session, where: ColumnElement[bool], count: Any) -> dict[int, int]:
    query = (
        select(Batch.campaign_id, count)
        .select_from(Letter)
        .join(Batch, Batch.id == Letter.batch_id)
        .where(where)
        .group_by(Batch.campaign_id)
    )
    return _per_campaign(uow, query)


def campaign_rows(uow: Session, *, clock: Clock, overdue: dict[int, int]) -> list[CampaignRow]:
    """Every campaign with its count, goals, letters in review, deliveries in flight and
    its count in ``overdue`` (by campaign id)."""
    in_review = _letters_in(uow, Letter.status == "review", func.count(Letter.id))
    # The few rows in flight first (by the state index), then their letters and batches;
    # left to itself SQLite would walk every letter to find them.
    flying = (
        select(Delivery.letter_id)
        .where(Delivery.state.in_(IN_FLIGHT))
        .cte("flying")
        .prefix_with("MATERIALIZED")
    )
    in_flight = _per_campaign(
        uow,
        select(Batch.campaign_id, func.count())
        .select_from(flying)
        .join(Letter, Letter.id == flying.c.letter_id)
        .join(Batch, Batch.id == Letter.batch_id)
        .group_by(Batch.campaign_id),
    )
    rows = []
    for campaign in uow.scalars(select(Campaign).order_by(Campaign.created_at.desc())):
        stand = standing(uow, campaign.key, clock=clock)
        dated = stand.next_dated
        rows.append(
            CampaignRow(
                campaign.key,
                campaign.title,
                stand.count,
                stand.previous_goal,
                stand.next_goal,
                f"{dated.milestone.key}: {dated.milestone.describe()}" if dated else "",
                campaign.public_page,
                in_review.get(campaign.id, 0),
                in_flight.get(campaign.id, 0),
                overdue.get(campaign.id, 0),
            )
        )
    return rows


def review_batches(uow: Session) -> list[BatchRow]:
    """Batches with letters awaiting review, oldest first, with how many are waiting."""
    query = (
        select(Batch, Campaign, func.count(Letter.id))
        .join(Campaign, Campaign.id == Batch.campaign_id)
        .join(Letter, Letter.batch_id == Batch.id)
        .where(Letter.status == "review")
        .group_by(Batch.id, Campaign.id)
        .order_by(Batch.id)
    )
    return [
        BatchRow(b.id, c.key, c.title, b.reason, b.created_at, b.created_by, n)
        for b, c, n in uow.execute(query)
    ]


def review_letters(uow: Session, batch_id: int, *, offset: int, limit: int) -> list[ReviewRow]:
    """One page of a batch's letters awaiting review, with each one's newest PDF revision."""
    newest = (
        select(Document.letter_id, func.max(Document.revision).label("revision"))
        .where(Document.format == "pdf")
        .group_by(Document.letter_id)
        .subquery()
    )
    query = (
        select(Letter, Addressee, Document)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .outerjoin(newest, newest.c.letter_id == Letter.id)
        .outerjoin(
            Document,
            (Document.letter_id == Letter.id)
            & (Document.format == "pdf")
            & (Document.revision == newest.c.revision),
        )
        .where(Letter.batch_id == batch_id, Letter.status == "review")
        .order_by(Addressee.key)
        .offset(offset)
        .limit(limit)
    )
    return [
        ReviewRow(
            letter.id, a.key, a.name, letter.language, d.revision if d else 0, d.size if d else 0
        )
        for letter, a, d in uow.execute(query)
    ]


@dataclass(frozen=True)
class Overdue:
    campaign_id: int
    campaign_key: str
    addressee: str
    delivered_at: datetime


def overdue_answers(
    uow: Session, *, today: date, working_days: Due, limit: int
) -> tuple[dict[int, int], list[Overdue]]:
    """How many addressees of each campaign are overdue by the report's rule
    (``responses.standing``), and the ``limit`` longest waiting of them."""
    S = AnswerStanding
    # Implied by "overdue"; said first so most rows are dropped before the status is worked out.
    status = and_(
        S.manual_status.is_(None),
        S.answered_at.is_(None),
        S.acknowledged == false(),
        S.delivered_at.is_not(None),
        status_column(uow, today=today, working_days=working_days) == "overdue",
    )
    counts = _per_campaign(
        uow,
        select(S.campaign_id, func.count())
        .join(Addressee, Addressee.id == S.addressee_id)
        .where(status)
        .group_by(S.campaign_id),
    )
    query = (
        select(S.campaign_id, Campaign.key, Addressee.name, S.delivered_at)
        .join(Addressee, Addressee.id == S.addressee_id)
        .join(Campaign, Campaign.id == S.campaign_id)
        .where(status)
        .order_by(S.delivered_at, Addressee.name)
        .limit(limit)
    )
    rows = uow.execute(query).all()
    # delivered_at is never None here: an overdue addressee was delivered to.
    return counts, [Overdue(cid, key, name, when) for cid, key, name, when in rows if when]


def choices(uow: Session) -> tuple[list[str], list[Any]]:
    """What the forms that name a campaign and an addressee offer: every campaign key, and
    every addressee's (key, name), each sorted by key."""
    campaigns = list(uow.scalars(select(Campaign.key).order_by(Campaign.key)))
    addressees = list(uow.execute(select(Addressee.key, Addressee.name).order_by(Addressee.key)))
    return campaigns, addressees
