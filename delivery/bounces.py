"""Inbound bounces: map a delivery status notification back to its delivery and record it.

Rule: only a bounce to a *signed* VERP address (``bounce+<delivery id>-<hmac>@<reply domain>``,
``ReplyAddresses.delivery_for_bounce``) can change a delivery, and when the report quotes the
returned original's Message-ID it must be that delivery's. Anything else (no address, a bare
or wrong MAC, another message's Message-ID) is unverified: ``handle_bounce`` returns None,
changes nothing, and the caller keeps the message in the holding pen. A verified permanent
failure (DSN ``5.x.x``, or flufl.bounce's permanent set) makes a ``sent`` delivery
``bounced`` and flags the addressee's channel for checking; a temporary one (``4.x.x``,
``Action: delayed``) is only noted: the receiving systems are still trying, and ``sent``
never goes back (``delivery.states``). Auto-replies (out of office) are not bounces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from flufl.bounce import all_failures
from sqlalchemy.orm import Session

from delivery.states import State, may_move, move
from letters.identity import ReplyAddresses
from recipients.checks import open_check
from storage import audit
from storage.tables import Batch, Delivery, Letter
from timeutil import Clock

VERP_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To")
MESSAGE_IDS = re.compile(rb"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


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


def verified_delivery(
    uow: Session, message: Message, raw: bytes, identities: ReplyAddresses
) -> Delivery | None:
    """The delivery a bounce is provably about, or None (unverified: leave it to the pen).

    The signed VERP address is looked for in the envelope headers, then anywhere in the
    message (some systems quote it only in the body); when the report quotes Message-IDs
    besides its own, one of them must be the delivery's.
    """
    headers = " ".join(str(message.get(h, "")) for h in VERP_HEADERS)
    delivery_id = identities.delivery_for_bounce(headers)
    if delivery_id is None:
        delivery_id = identities.delivery_for_bounce(raw.decode("ascii", "replace"))
    delivery = uow.get(Delivery, delivery_id) if delivery_id is not None else None
    if delivery is None:
        return None
    own = str(message.get("Message-ID", "")).strip().encode()
    quoted = {i.decode() for i in MESSAGE_IDS.findall(raw) if i != own}
    if quoted and delivery.message_id not in quoted:
        return None  # a genuine address with another message's report: not this delivery's
    return delivery


def _is_auto_reply(message: Message) -> bool:
    if "X-Failed-Recipients" in message:
        return False  # Exim marks its failure reports auto-replied too; they name who failed
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    return auto.startswith("auto-replied") or "X-Autoreply" in message


def handle_bounce(
    uow: Session, raw: bytes, *, identities: ReplyAddresses, clock: Clock
) -> BounceOutcome | None:
    """Record a verified bounce of one of our deliveries; None when ``raw`` is not a bounce,
    not ours or not verified (``verified_delivery``): then nothing has changed."""
    message = message_from_bytes(raw, policy=compat32)
    if not _is_dsn(message) and _is_auto_reply(message):
        return None  # an out-of-office answer is not a bounce, whatever it says
    delivery = verified_delivery(uow, message, raw, identities)
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
    now, before = clock.now(), delivery.state
    if permanent:
        open_check(uow, delivery, addressee_id=letter.addressee_id, reason=reason, at=now)
        if may_move(delivery.state, State.BOUNCED):
            move(delivery, State.BOUNCED, at=now)
    # A delay notice changes no state: the receiving systems keep trying on their own.
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
        state_before=before,
        state_after=delivery.state,
    )


def bounce_handler(*, identities: ReplyAddresses, clock: Clock) -> Callable[[Session, bytes], bool]:
    """``handle_bounce`` shaped as the responses importer's ``BounceHandler`` (True: taken;
    False: unverified or not ours, for the holding pen)."""

    def handler(uow: Session, raw: bytes) -> bool:
        return handle_bounce(uow, raw, identities=identities, clock=clock) is not None

    return handler
