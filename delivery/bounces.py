"""Inbound bounces: map a delivery status notification back to its delivery and record it.

Rule: the VERP envelope sender ``bounce+<delivery id>@<reply domain>`` is the primary signal;
the returned original's Message-ID is the fallback. A permanent failure (DSN ``5.x.x``, or
flufl.bounce's permanent set) makes the delivery ``bounced`` and flags the addressee's channel
for checking; a temporary one (``4.x.x``, ``Action: delayed``) puts a sent delivery back to
``retry_wait``. Auto-replies (out of office) are not bounces: ``handle_bounce`` returns None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from flufl.bounce import all_failures
from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.outbox import BACKOFF
from storage import audit
from storage.tables import Batch, ChannelCheck, Delivery, Letter
from timeutil import Clock


@dataclass(frozen=True)
class BounceOutcome:
    delivery_id: int
    permanent: bool
    reason: str


def _is_dsn(message: Message) -> bool:
    return (
        message.get_content_type() == "multipart/report"
        and str(message.get_param("report-type", "")).lower() == "delivery-status"
    )


def _recipient_fields(message: Message) -> Iterator[Message]:
    """The per-recipient field blocks of an RFC 3464 ``message/delivery-status`` part."""
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            yield from (b for b in blocks[1:] if isinstance(b, Message))


def _dsn_verdict(message: Message, recipient: str) -> tuple[bool, str] | None:
    """(permanent, reason) for ``recipient`` (or the only recipient reported) from the DSN."""
    blocks = list(_recipient_fields(message))
    named = [b for b in blocks if recipient.lower() in str(b.get("Final-Recipient", "")).lower()]
    for block in named or blocks[:1]:
        status = str(block.get("Status", "")).strip()
        action = str(block.get("Action", "")).strip().lower()
        why = " ".join(str(block.get("Diagnostic-Code", "")).split()) or status
        if status.startswith("5") or action == "failed":
            return True, why
        if status.startswith("4") or action == "delayed":
            return False, why
    return None


def _heuristic_verdict(message: Message, recipient: str) -> tuple[bool, str] | None:
    """flufl.bounce's reading of non-standard bounces (many MTAs still send those)."""
    temporary, permanent = all_failures(message)
    wanted = recipient.lower().encode()
    if wanted in {a.lower() for a in permanent} or (permanent and not temporary):
        return True, "bounce: permanent failure reported by the receiving mail system"
    if wanted in {a.lower() for a in temporary} or temporary:
        return False, "bounce: temporary failure reported by the receiving mail system"
    return None


def _delivery(uow: Session, message: Message, raw: bytes, domain: str) -> Delivery | None:
    verp = re.compile(rb"bounce\+(\d+)@" + re.escape(domain.encode()), re.IGNORECASE)
    for header in ("To", "Delivered-To", "X-Original-To", "Envelope-To"):
        found = verp.search(str(message.get(header, "")).encode())
        if found:
            return uow.get(Delivery, int(found.group(1)))
    own = str(message.get("Message-ID", "")).strip().encode()
    ids = re.findall(rb"^Message-ID:\s*(<[^>\s]+>)", raw, re.IGNORECASE | re.MULTILINE)
    for message_id in (i for i in ids if i != own):  # the returned original's
        row = uow.scalar(select(Delivery).where(Delivery.message_id == message_id.decode()))
        if row is not None:
            return row
    found = verp.search(raw)
    return uow.get(Delivery, int(found.group(1))) if found else None


def _is_auto_reply(message: Message) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    return auto.startswith("auto-replied") or "X-Autoreply" in message


def handle_bounce(uow: Session, raw: bytes, *, domain: str, clock: Clock) -> BounceOutcome | None:
    """Record a bounce of one of our deliveries; None when ``raw`` is not one (or not ours)."""
    message = message_from_bytes(raw, policy=compat32)
    if not _is_dsn(message) and _is_auto_reply(message):
        return None  # an out-of-office answer is not a bounce, whatever it says
    delivery = _delivery(uow, message, raw, domain)
    if delivery is None:
        return None
    verdict = _dsn_verdict(message, delivery.recipient) if _is_dsn(message) else None
    verdict = verdict or _heuristic_verdict(message, delivery.recipient)
    if verdict is None:
        return None
    permanent, reason = verdict
    _record(uow, delivery, permanent=permanent, reason=reason, clock=clock)
    return BounceOutcome(delivery.id, permanent, reason)


def _record(
    uow: Session, delivery: Delivery, *, permanent: bool, reason: str, clock: Clock
) -> None:
    letter = uow.get_one(Letter, delivery.letter_id)
    now = clock.now()
    if permanent:
        delivery.state, delivery.finished_at = "bounced", now
        uow.add(
            ChannelCheck(
                addressee_id=letter.addressee_id,
                channel=delivery.channel,
                delivery_id=delivery.id,
                reason=reason,
                flagged_at=now,
            )
        )
    elif delivery.state in {"sent", "written"}:
        # The receiving system gave up for now after accepting from our server: try again.
        delivery.state, delivery.finished_at = "retry_wait", None
        delivery.next_attempt_at = now + BACKOFF[min(max(delivery.attempts, 1), len(BACKOFF)) - 1]
    delivery.last_error = f"bounce: {reason}"
    audit.record(
        uow,
        at=now,
        actor="bounce",
        action="delivery.bounced" if permanent else "delivery.delayed",
        subject=f"delivery:{delivery.id}",
        campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
        recipient=delivery.recipient,
        reason=reason,
    )


def bounce_handler(*, domain: str, clock: Clock) -> Callable[[Session, bytes], bool]:
    """``handle_bounce`` shaped as the responses importer's ``BounceHandler`` (True: taken)."""

    def handler(uow: Session, raw: bytes) -> bool:
        return handle_bounce(uow, raw, domain=domain, clock=clock) is not None

    return handler
