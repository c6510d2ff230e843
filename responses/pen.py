"""The holding pen: received messages no rule could place, waiting for staff to say whose they are.

Rule: only a person moves a message out of the pen: ``assign`` names the letters (or the
addressee and campaign), and each response it makes records ``matched_by="staff"``. One message
may be assigned to several letters (a ministry answering three campaigns at once), at once or
later; a letter it already answers is refused. Quarantined messages are assigned like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from errors import InputError, NotFound, Problem
from responses.inbound import response_kind
from responses.parse import Mail, read
from responses.rows import new_response
from storage import audit
from storage.tables import Addressee, Batch, InboundMessage, Letter, Response
from timeutil import Clock

# Waiting for staff; kept apart (automatic, or a failure report no delivery claimed); done.
TO_SORT = ("unmatched", "quarantined")
APART = ("auto-reply", "bounce")
DONE = ("matched", "bounced", "assigned", "ignored")
STATUSES = TO_SORT + APART + DONE
VIEWS = {"to-sort": TO_SORT, "apart": APART, "done": DONE, "all": STATUSES}


def pen(uow: Session, *, status: str | Sequence[str] | None = TO_SORT) -> list[InboundMessage]:
    """Messages in the pen, oldest first, of ``status`` (one or several); None: every one."""
    query = select(InboundMessage).order_by(InboundMessage.received_at, InboundMessage.id)
    if isinstance(status, str):
        query = query.where(InboundMessage.status == status)
    elif status is not None:
        query = query.where(InboundMessage.status.in_(status))
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


def read_held(held: InboundMessage, *, max_bytes: int) -> Mail:
    """The penned message read through the parse boundary (a missing file reads as empty)."""
    try:
        raw = Path(held.raw_path).read_bytes()
    except OSError:
        raw = b""
    return read(raw, max_bytes=max_bytes)


def _targets(
    uow: Session,
    letter_ids: Sequence[int],
    *,
    addressee_key: str | None,
    campaign_key: str | None,
) -> list[Letter]:
    if letter_ids:
        return [
            _letter_for(uow, letter_id=i, addressee_key=None, campaign_key=None)
            for i in dict.fromkeys(letter_ids)
        ]
    return [
        _letter_for(uow, letter_id=None, addressee_key=addressee_key, campaign_key=campaign_key)
    ]


def assign(
    uow: Session,
    message_id: int,
    *,
    letter_ids: Sequence[int] = (),
    addressee_key: str | None = None,
    campaign_key: str | None = None,
    actor: str,
    clock: Clock,
    domain: str = "",
    max_bytes: int = 26_214_400,
) -> list[Response]:
    """Make a response of penned message ``message_id`` for each letter staff named."""
    held = uow.get(InboundMessage, message_id)
    if held is None:
        raise NotFound(f"no message {message_id} in the holding pen")
    letters = _targets(uow, letter_ids, addressee_key=addressee_key, campaign_key=campaign_key)
    answered = set(
        uow.scalars(select(Response.letter_id).where(Response.message_id == held.message_id))
    )
    again = [str(letter.id) for letter in letters if letter.id in answered]
    if again:
        problem = f"already answers letter {', '.join(again)}"
        raise InputError([Problem("assign", None, "message", problem)])
    mail = read_held(held, max_bytes=max_bytes)
    kind = response_kind(mail, domain=domain)
    made = []
    for letter in letters:
        response = new_response(
            uow,
            mail,
            letter,
            kind=kind,
            matched_by="staff",
            raw_path=Path(held.raw_path),
            clock=clock,
            message_id=held.message_id,
        )
        uow.flush()
        made.append(response)
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
    if held.status != "matched":
        held.status = "assigned"
    held.response_id = held.response_id or made[0].id
    return made


def ignore(uow: Session, message_id: int, *, actor: str, clock: Clock) -> InboundMessage:
    """Mark a penned message as not an answer (spam, a newsletter); it stays on disk."""
    held = uow.get(InboundMessage, message_id)
    if held is None:
        raise NotFound(f"no message {message_id} in the holding pen")
    if held.status in {"matched", "assigned"}:
        raise InputError([Problem("ignore", None, "message", f"is already {held.status}")])
    held.status = "ignored"
    audit.record(
        uow, at=clock.now(), actor=actor, action="response.ignore", subject=f"inbound:{held.id}"
    )
    return held
