"""Inbound replies: parse a raw message, classify it, match it to its letter, store it.

Rule: a message becomes a response only when ``responses.matching`` finds its letter; otherwise
it waits in the holding pen (``inbound_messages``) for staff, never attached to a guess. A bounce
goes to the delivery engine's handler when one is wired, else to the pen as ``bounce``. A message
already stored (same Message-ID, as a response or in the pen) is skipped, so importing twice
changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from letters.service import write_atomically
from responses.classify import body_text, is_automatic, is_bounce, save_attachments
from responses.matching import find_letter
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Batch, InboundMessage, Letter, Response
from timeutil import Clock, as_utc


class BounceHandler(Protocol):
    """The delivery engine's bounce handling (issue 6: ``delivery.bounces.handle_bounce``).

    Returns True when it recognised and recorded the bounce; False leaves it to the pen.
    """

    def __call__(self, uow: Session, raw: bytes) -> bool: ...


@dataclass(frozen=True)
class Inbound:
    outcome: str  # "stored", "duplicate", "unmatched" (in the pen) or "bounce"
    response: Response | None = None


def parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def message_id_of(message: EmailMessage, raw: bytes) -> str:
    return (
        str(message.get("Message-ID", "")).strip()
        or f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound>"
    )


def summary_of(message: EmailMessage) -> str:
    quoted = [line for line in body_text(message).splitlines() if not line.startswith(">")]
    return " ".join(" ".join(quoted).split())[:500]


def received_at(message: EmailMessage, clock: Clock) -> datetime:
    # The parsed Date header; None when missing or unreadable (a broken mailer must not stop
    # the import), and then the message is dated when it was imported.
    sent_at = getattr(message.get("Date"), "datetime", None)
    return as_utc(sent_at) if sent_at else clock.now()


def keep_raw(raw: bytes, message: EmailMessage, raw_dir: Path) -> Path:
    """Store the raw bytes by their sha256, and the attachments in a folder beside them."""
    digest = hashlib.sha256(raw).hexdigest()
    path = raw_dir / f"{digest}.eml"
    write_atomically(path, raw)
    save_attachments(message, raw_dir / f"{digest}.parts")
    return path


def new_response(
    uow: Session,
    message: EmailMessage,
    letter: Letter,
    *,
    message_id: str,
    matched_by: str,
    raw_path: Path,
    clock: Clock,
) -> Response:
    batch = uow.get_one(Batch, letter.batch_id)
    response = Response(
        campaign_id=batch.campaign_id,
        addressee_id=letter.addressee_id,
        letter_id=letter.id,
        kind="acknowledgement" if is_automatic(message) else "response",
        channel="email",
        stance="unclear",
        summary=summary_of(message),
        received_at=received_at(message, clock),
        matched_by=matched_by,
        message_id=message_id,
        raw_path=str(raw_path),
    )
    uow.add(response)
    uow.flush()
    return response


def _hold(
    uow: Session,
    message: EmailMessage,
    *,
    message_id: str,
    raw_path: Path,
    status: str,
    clock: Clock,
) -> None:
    uow.add(
        InboundMessage(
            message_id=message_id,
            raw_path=str(raw_path),
            sender=str(message.get("From", ""))[:300],
            subject=str(message.get("Subject", ""))[:500],
            received_at=received_at(message, clock),
            status=status,
        )
    )
    uow.flush()


def _seen(uow: Session, message_id: str) -> bool:
    return bool(
        uow.scalar(select(Response.id).where(Response.message_id == message_id))
        or uow.scalar(select(InboundMessage.id).where(InboundMessage.message_id == message_id))
    )


def import_message(
    uow: Session,
    raw: bytes,
    *,
    identities: ReplyAddresses,
    raw_dir: Path,
    actor: str,
    clock: Clock,
    bounces: BounceHandler | None = None,
) -> Inbound:
    """Store one raw message: as a response when matched, else in the holding pen."""
    message = parse(raw)
    message_id = message_id_of(message, raw)
    if _seen(uow, message_id):
        return Inbound("duplicate")
    if is_bounce(message):
        if bounces is not None and bounces(uow, raw):
            return Inbound("bounce")
        raw_path = keep_raw(raw, message, raw_dir)
        _hold(uow, message, message_id=message_id, raw_path=raw_path, status="bounce", clock=clock)
        return Inbound("bounce")
    letter, matched_by = find_letter(uow, message, identities)
    raw_path = keep_raw(raw, message, raw_dir)
    if letter is None:
        _hold(
            uow, message, message_id=message_id, raw_path=raw_path, status="unmatched", clock=clock
        )
        return Inbound("unmatched")
    response = new_response(
        uow,
        message,
        letter,
        message_id=message_id,
        matched_by=matched_by,
        raw_path=raw_path,
        clock=clock,
    )
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.import",
        subject=f"response:{response.id}",
        campaign_id=response.campaign_id,
        letter=letter.id,
        matched_by=matched_by,
        kind=response.kind,
    )
    return Inbound("stored", response)
