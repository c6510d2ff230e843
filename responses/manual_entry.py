"""Answers logged by staff (a letter on paper, a call, a meeting) and what of them is public.

Rule: a logged answer is stored like an imported one, tied to the addressee's latest letter of
the campaign when there is one; only ``public_summary``, which staff write for the purpose,
ever appears on the public page, never the internal summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from errors import InputError, NotFound, Problem
from storage import audit
from storage.tables import Addressee, Batch, Letter, Response
from timeutil import Clock

KINDS = ("response", "acknowledgement")
CHANNELS = ("email", "letter", "phone", "meeting", "public-statement", "web-form", "other")
STANCES = ("supportive", "partly-supportive", "non-committal", "opposed", "unclear")
SOURCE = "logged answer"


@dataclass(frozen=True)
class Answer:
    """What staff tell us about one answer."""

    campaign: str
    addressee: str
    kind: str = "response"
    channel: str = "letter"
    stance: str = "unclear"
    summary: str = ""
    public_summary: str = ""
    received_at: datetime | None = None


def _check(answer: Answer) -> None:
    problems = [
        Problem(SOURCE, None, name, f"must be one of {', '.join(allowed)}")
        for name, value, allowed in (
            ("kind", answer.kind, KINDS),
            ("channel", answer.channel, CHANNELS),
            ("stance", answer.stance, STANCES),
        )
        if value not in allowed
    ]
    if len(answer.summary) > 5000 or len(answer.public_summary) > 2000:
        problems.append(Problem(SOURCE, None, "summary", "is too long (5,000; public 2,000)"))
    if problems:
        raise InputError(problems)


def log_answer(uow: Session, answer: Answer, *, actor: str, clock: Clock) -> Response:
    """Store an answer staff received outside the mail import."""
    _check(answer)
    campaign = get_campaign(uow, answer.campaign)
    addressee = uow.scalar(select(Addressee).where(Addressee.key == answer.addressee))
    if addressee is None:
        raise NotFound(f"no addressee {answer.addressee!r}")
    letter_id = uow.scalar(
        select(Letter.id)
        .join(Batch, Batch.id == Letter.batch_id)
        .where(Batch.campaign_id == campaign.id, Letter.addressee_id == addressee.id)
        .order_by(Letter.id.desc())
        .limit(1)
    )
    response = Response(
        campaign_id=campaign.id,
        addressee_id=addressee.id,
        letter_id=letter_id,
        kind=answer.kind,
        channel=answer.channel,
        stance=answer.stance,
        summary=answer.summary.strip(),
        public_summary=answer.public_summary.strip(),
        received_at=answer.received_at or clock.now(),
        matched_by="manual",
    )
    uow.add(response)
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.log",
        subject=f"response:{response.id}",
        campaign_id=campaign.id,
        addressee=addressee.key,
        kind=answer.kind,
        stance=answer.stance,
    )
    return response


def publish_summary(
    uow: Session, response_id: int, text: str, *, actor: str, clock: Clock
) -> Response:
    """Set (or, with empty text, withdraw) what the public page says about this answer."""
    response = uow.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response {response_id}")
    if len(text) > 2000:
        raise InputError([Problem(SOURCE, None, "public_summary", "is too long (2,000)")])
    response.public_summary = text.strip()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.publish",
        subject=f"response:{response_id}",
        campaign_id=response.campaign_id,
        public_summary=response.public_summary,
    )
    return response
