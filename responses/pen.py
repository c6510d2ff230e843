"""The holding pen: messages no rule could match, waiting for staff to say whose they are.

Rule: only a person moves a message out of the pen: ``assign`` names the letter (or the
addressee and campaign), and the response it makes records ``matched_by="staff"``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from errors import InputError, NotFound, Problem
from responses.inbound import new_response, parse
from storage import audit
from storage.tables import Addressee, Batch, InboundMessage, Letter, Response
from timeutil import Clock

STATUSES = ("unmatched", "assigned", "ignored", "bounce")


def pen(uow: Session, *, status: str | None = "unmatched") -> list[InboundMessage]:
    """Messages in the pen, oldest first; ``status=None`` lists every status."""
    query = select(InboundMessage).order_by(InboundMessage.received_at, InboundMessage.id)
    if status is not None:
        query = query.where(InboundMessage.status == status)
    return list(uow.scalars(query))


def _letter_for(
    uow: Session, *, letter_id: int | None, addressee_key: str | None, campaign_key: str | None
) -> Letter:
    if letter_id is not None:
        letter = uow.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        return letter
    if not (addressee_key and campaign_key):
        raise InputError(
            [Problem("assign", None, "letter", "give a letter id, or --addressee and --campaign")]
        )
    campaign = get_campaign(uow, campaign_key)
    letter = uow.scalar(
        select(Letter)
        .join(Batch, Batch.id == Letter.batch_id)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .where(Batch.campaign_id == campaign.id, Addressee.key == addressee_key)
        .order_by(Letter.id.desc())
        .limit(1)
    )
    if letter is None:
        raise NotFound(f"campaign {campaign_key!r} has no letter to {addressee_key!r}")
    return letter


def assign(
    uow: Session,
    message_id: int,
    *,
    letter_id: int | None = None,
    addressee_key: str | None = None,
    campaign_key: str | None = None,
    actor: str,
    clock: Clock,
) -> Response:
    """Make a response of a penned message for the letter staff named."""
    held = uow.get(InboundMessage, message_id)
    if held is None:
        raise NotFound(f"no message {message_id} in the holding pen")
    if held.status == "assigned":
        raise InputError([Problem("assign", None, "message", "is already assigned")])
    letter = _letter_for(
        uow, letter_id=letter_id, addressee_key=addressee_key, campaign_key=campaign_key
    )
    raw_path = Path(held.raw_path)
    response = new_response(
        uow,
        parse(raw_path.read_bytes()),
        letter,
        message_id=held.message_id,
        matched_by="staff",
        raw_path=raw_path,
        clock=clock,
    )
    held.status, held.response_id = "assigned", response.id
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.assign",
        subject=f"response:{response.id}",
        campaign_id=response.campaign_id,
        letter=letter.id,
        inbound=held.id,
    )
    return response


def ignore(uow: Session, message_id: int, *, actor: str, clock: Clock) -> InboundMessage:
    """Mark a penned message as not an answer (spam, a newsletter); it stays on disk."""
    held = uow.get(InboundMessage, message_id)
    if held is None:
        raise NotFound(f"no message {message_id} in the holding pen")
    held.status = "ignored"
    audit.record(
        uow, at=clock.now(), actor=actor, action="response.ignore", subject=f"inbound:{held.id}"
    )
    return held
