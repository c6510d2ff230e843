"""Inbound replies: parse a raw message, match it to the letter it answers, store it.

Matching order (first that succeeds wins; what matched is recorded in ``matched_by``):
1. a genuine per-letter token in To/Cc/Delivered-To (``reply+<token>@…``);
2. ``In-Reply-To``/``References`` naming one of our letters' Message-IDs;
3. the sender's address known in the registry (latest letter to that addressee).
Otherwise the message is left unmatched for staff to assign: never attached to a guess.
A message already stored (same Message-ID) is skipped, so importing twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import getaddresses
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from letters.service import write_atomically
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Addressee, Batch, Letter, Response
from timeutil import Clock, as_utc

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Inbound:
    outcome: str  # "stored", "duplicate" or "unmatched"
    response: Response | None = None


def _find_letter(
    uow: Session, message: EmailMessage, identities: ReplyAddresses
) -> tuple[Letter | None, str]:
    recipients = " ".join(str(message.get(h, "")) for h in ("To", "Cc", "Delivered-To"))
    for token in identities.tokens_in(recipients):
        letter = uow.scalar(select(Letter).where(Letter.reply_token == token))
        if letter is not None:
            return letter, "token"
    referenced = " ".join(str(message.get(h, "")) for h in ("In-Reply-To", "References"))
    for message_id in _MESSAGE_ID.findall(referenced):
        letter = uow.scalar(select(Letter).where(Letter.message_id == message_id))
        if letter is not None:
            return letter, "in-reply-to"
    # Skip empty addresses ("Name <>"): they would match every addressee without an email.
    senders = [a.lower() for _, a in getaddresses([str(message.get("From", ""))]) if a]
    addressee = (
        uow.scalar(select(Addressee).where(func.lower(Addressee.email).in_(senders)))
        if senders
        else None
    )
    if addressee is not None:
        letter = uow.scalar(
            select(Letter)
            .where(Letter.addressee_id == addressee.id)
            .order_by(Letter.id.desc())
            .limit(1)
        )
        if letter is not None:
            return letter, "sender"
    return None, ""


def is_automatic(message: EmailMessage) -> bool:
    """RFC 3834 auto-replies and the common vendor headers for out-of-office answers."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    return auto != "no" or any(h in message for h in ("X-Autoreply", "X-Autorespond"))


def _summary(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    quoted = [line for line in str(text).splitlines() if not line.startswith(">")]
    return " ".join(" ".join(quoted).split())[:500]


def import_message(
    uow: Session, raw: bytes, *, identities: ReplyAddresses, raw_dir: Path, actor: str, clock: Clock
) -> Inbound:
    """Store one raw message as a response if it can be matched to a letter."""
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    message_id = (
        str(message.get("Message-ID", "")).strip()
        or f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound>"
    )
    if uow.scalar(select(Response.id).where(Response.message_id == message_id)):
        return Inbound("duplicate")
    letter, matched_by = _find_letter(uow, message, identities)
    if letter is None:
        return Inbound("unmatched")
    batch = uow.get_one(Batch, letter.batch_id)
    raw_path = raw_dir / f"{hashlib.sha256(raw).hexdigest()}.eml"
    write_atomically(raw_path, raw)
    # The parsed Date header; None when missing or unreadable (a broken mailer must not stop
    # the import), and then the reply is dated when it was imported.
    sent_at = getattr(message.get("Date"), "datetime", None)
    received = as_utc(sent_at) if sent_at else clock.now()
    response = Response(
        campaign_id=batch.campaign_id,
        addressee_id=letter.addressee_id,
        letter_id=letter.id,
        kind="acknowledgement" if is_automatic(message) else "response",
        channel="email",
        stance="unclear",
        summary=_summary(message),
        received_at=received,
        matched_by=matched_by,
        message_id=message_id,
        raw_path=str(raw_path),
    )
    uow.add(response)
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.import",
        subject=f"response:{response.id}",
        campaign_id=batch.campaign_id,
        letter=letter.id,
        matched_by=matched_by,
        kind=response.kind,
    )
    return Inbound("stored", response)
