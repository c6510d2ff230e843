"""What a campaign shows the public: the switch for its page and the rows that page lists.

Rule: the public page lists, per addressee written to, only the name, the delivery date, the
answer status (overdue by the report's rule, ``responses.status``: no answer
``ADVOCACY_ANSWER_DUE_WORKING_DAYS`` working days after delivery, weekends and the addressee
country's holidays excluded) and the summary staff marked public; it is off until staff turn it
on, and ``public_rows`` is the only query behind it, so nothing else can leak onto it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from errors import NotFound
from responses.deadlines import Due
from responses.report import response_report
from storage import audit
from storage.tables import Addressee, Campaign, Response
from timeutil import Clock


@dataclass(frozen=True)
class PublicRow:
    addressee: str
    delivered_at: datetime | None
    status: str  # a status of ``responses.status`` (with "not delivered")
    summary: str
    overdue_since: date | None = None  # the first day the answer was late, when "overdue"


def set_public_page(uow: Session, key: str, on: bool, *, actor: str, clock: Clock) -> Campaign:
    """Turn the campaign's public page on or off (audited)."""
    campaign = get_campaign(uow, key)
    if campaign.public_page != on:
        campaign.public_page = on
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="campaign.public_page",
            subject=f"campaign:{key}",
            campaign_id=campaign.id,
            public=on,
        )
    return campaign


def public_campaign(uow: Session, key: str) -> Campaign:
    """The campaign, if its public page is on; otherwise ``NotFound`` (not 403: an off page
    does not admit to existing)."""
    campaign = uow.scalar(select(Campaign).where(Campaign.key == key, Campaign.public_page))
    if campaign is None:
        raise NotFound("no public page here")
    return campaign


def public_rows(
    uow: Session, campaign: Campaign, *, today: date, working_days: Due
) -> list[PublicRow]:
    """One row per addressee the campaign wrote to, with only what may be published; silent
    addressees past their due date are ``overdue`` as of ``today``, as in the report."""
    published: dict[str, str] = {}
    for key, text in uow.execute(
        select(Addressee.key, Response.public_summary)
        .join(Addressee, Addressee.id == Response.addressee_id)
        .where(Response.campaign_id == campaign.id, Response.public_summary != "")
        .order_by(Response.received_at)
    ):
        published.setdefault(key, text)  # the earliest published answer speaks for them
    return [
        PublicRow(
            row.addressee_name,
            row.delivered_at,
            row.status,
            published.get(row.addressee_key, ""),
            # Overdue once today is past the due day (``responses.status.status_of``).
            overdue_since=row.due_on + timedelta(days=1)
            if row.status == "overdue" and row.due_on
            else None,
        )
        for row in response_report(uow, campaign, today=today, working_days=working_days)
    ]
