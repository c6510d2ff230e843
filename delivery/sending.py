"""One send of a claimed row: its approved bytes to the transport, and the outcome to record.

Rule: a row whose bytes were refused fails with the reason and is never sent; a row whose lease
ran out before its turn is left alone; whatever the transport raises is that row's failure
(class and message), never the pass's. ``delivery.finish`` records what comes back.
Why apart from ``delivery.worker``: the worker schedules (claims, concurrency, group commits);
this is what happens to one row once it is its turn.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from delivery.envelope import DeliveryResult, Envelope
from delivery.finish import RETRY, Outcome
from errors import IntegrityRefused
from letters.identity import ReplyAddresses
from storage.tables import Delivery
from timeutil import Clock

if TYPE_CHECKING:
    from delivery.worker import Transport

log = logging.getLogger("advocacy.worker")


@dataclass(frozen=True)
class Claimed:
    """A row this worker claimed, with its approved bytes or the reason they were refused."""

    delivery: Delivery
    content: bytes | str
    lease_until: datetime


def refusal_or_bytes(checked: bytes | IntegrityRefused | OSError) -> bytes | str:
    return checked if isinstance(checked, bytes) else f"refused: {checked}"


async def attempt(
    claimed: Claimed, *, transport: Transport, identities: ReplyAddresses, clock: Clock
) -> Outcome | None:
    """One send of a claimed row; None when its lease ran out before its turn came."""
    delivery = claimed.delivery
    if isinstance(claimed.content, str):
        return Outcome(delivery.id, delivery.attempts, "failed", claimed.content)
    if clock.now() >= claimed.lease_until:
        # Another worker may hold the row by now: sending could make a second copy, so it
        # is left for whoever claims it next (same Message-ID either way).
        return None
    envelope = Envelope(
        delivery.id,
        identities.bounce_address(delivery.id),
        (delivery.recipient,),
        claimed.content,
        delivery.message_id,
    )
    try:
        result = await transport.send(envelope)
    except Exception as exc:
        log.exception("delivery %s: the %s transport raised", delivery.id, transport.name)
        why = f"the {transport.name} transport raised {type(exc).__name__}: {exc}"
        return Outcome(delivery.id, delivery.attempts, "failed", why, transport=transport.name)
    return _outcome(delivery, result, transport)


def _outcome(delivery: Delivery, result: DeliveryResult, transport: Transport) -> Outcome:
    """The row's outcome from the transport's answer (a permanent failure first)."""
    if result.permanent:
        error = "; ".join(f"{r}: {why}" for r, why in result.permanent)
        state, check = "failed", bool(result.refused)
    elif result.temporary:
        error = "; ".join(f"{r}: {why}" for r, why in result.temporary)
        state, check = RETRY, False
    else:
        error, state, check = "", transport.final_state, False
    return Outcome(delivery.id, delivery.attempts, state, error, check, transport.name)
