"""The rows an inbound message leaves: its ``inbound_messages`` row, its responses, and the
lookup of what is stored already under its Message-ID.

Rule: a message is the same message when its Message-ID and identity hash agree (``prior``);
writes are plain table INSERTs and lookups are built once, because the import's time is mostly
per-statement overhead, not the database's (bench/bench_responses.py measures it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Table, bindparam, insert, text
from sqlalchemy.orm import Session

from responses.parse import Mail
from storage.tables import Batch, InboundMessage, Letter, Response
from timeutil import Clock, as_utc


def summary_of(mail: Mail) -> str:
    kept = [line for line in mail.text.splitlines() if not line.lstrip().startswith(">")]
    return " ".join(" ".join(kept).split())[:500]


# A sender's clock may run a little fast; a Date further ahead than this is not believed.
CLOCK_SKEW = timedelta(minutes=15)


def received_at(mail: Mail, clock: Clock, *, not_before: datetime | None = None) -> datetime:
    """The Date header when it parses and makes sense; else (a broken mailer must not stop the
    import) when it was imported. A Date in the future, or before the letter it answers was
    made (``not_before``), is not believed: the import time is used and a note says so."""
    try:
        sent_at = parsedate_to_datetime(mail.header("Date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return clock.now()
    if not sent_at.tzinfo:
        return clock.now()
    sent_at, now = as_utc(sent_at), clock.now()
    if sent_at > now + CLOCK_SKEW:
        return _unbelieved(mail, now, f"Date {sent_at:%Y-%m-%d %H:%M} UTC lies in the future")
    if not_before is not None and sent_at < as_utc(not_before):
        why = f"Date {sent_at:%Y-%m-%d %H:%M} UTC is before the letter it answers was made"
        return _unbelieved(mail, now, why)
    return sent_at


def _unbelieved(mail: Mail, now: datetime, why: str) -> datetime:
    note = f"{why}: dated when received"
    if note not in mail.notes:
        mail.notes.append(note)
    return now


def new_response(
    uow: Session | None,
    mail: Mail,
    letter: Letter,
    *,
    kind: str,
    matched_by: str,
    raw_path: Path,
    clock: Clock,
    message_id: str | None = None,
    campaign_id: int | None = None,
) -> Response:
    """A response of ``mail`` on ``letter``, added to ``uow`` (not flushed); with no ``uow``
    (and the ``campaign_id`` given) a row for ``insert_responses`` to write."""
    if campaign_id is None:
        assert uow is not None
        campaign_id = uow.get_one(Batch, letter.batch_id).campaign_id
    response = Response(
        campaign_id=campaign_id,
        addressee_id=letter.addressee_id,
        letter_id=letter.id,
        kind=kind,
        channel="email",
        stance="unclear",
        summary=summary_of(mail),
        received_at=received_at(mail, clock, not_before=letter.rendered_at),
        matched_by=matched_by,
        message_id=message_id or mail.message_id,
        raw_path=str(raw_path),
    )
    if uow is not None:
        uow.add(response)
    return response


# Table INSERTs, not ORM flushes: the import's time is mostly per-statement overhead.
_RESPONSES = cast(Table, Response.__table__)
_INSERT_RESPONSE = insert(_RESPONSES).returning(_RESPONSES.c.id)
_HELD = cast(Table, InboundMessage.__table__)
_INSERT_HELD = insert(_HELD).returning(_HELD.c.id)


def insert_responses(uow: Session, responses: list[Response]) -> None:
    """Write new responses with one plain INSERT (no ORM flush) and give each its id."""
    columns = [c.key for c in Response.__table__.columns if c.key != "id"]
    # Unset attributes are left out, so the columns' own defaults apply (public_summary "").
    rows = [{c: v for c in columns if (v := getattr(r, c)) is not None} for r in responses]
    for response, row in zip(responses, rows, strict=True):  # mostly one: a single INSERT
        response.id = uow.execute(_INSERT_RESPONSE, row).scalar_one()


def hold(
    uow: Session,
    mail: Mail,
    *,
    raw_path: Path,
    status: str,
    clock: Clock,
    response_id: int | None = None,
    **why: str,
) -> int:
    """The message's row in ``inbound_messages`` (``why``: ``reason`` and/or ``rule``); its id."""
    row = {
        "message_id": mail.message_id,
        "raw_sha256": mail.sha256,
        "raw_path": str(raw_path),
        "sender": mail.header("From")[:300],
        "subject": mail.header("Subject")[:500],
        "received_at": received_at(mail, clock),
        "status": status,
        "reason": why.get("reason", ""),
        "rule": why.get("rule", "")[:200],
        "response_id": response_id,
    }
    return int(uow.execute(_INSERT_HELD, row).scalar_one())


@dataclass(frozen=True)
class Prior:
    """What is stored already under a message's Message-ID."""

    seen: bool  # these very bytes were imported before
    answered: frozenset[int]  # letters a copy of it already answers


# One round trip for both tables; plain SQL because building the expression each time cost
# more than running it (the import's time is per-statement overhead, not the database's).
_PRIOR = text(
    "SELECT NULL AS letter_id, raw_sha256, raw_path FROM inbound_messages WHERE message_id = :m "
    "UNION ALL SELECT letter_id, '', raw_path FROM responses WHERE message_id = :m"
)


def prior(uow: Session, mail: Mail) -> Prior:
    """What is stored under the message's Message-ID (older rows have no sha256 filled in, but
    their raw file is named by the sha256 of the bytes)."""
    legacy = f"{hashlib.sha256(mail.raw).hexdigest()}.eml"
    rows = uow.execute(_PRIOR, {"m": mail.message_id}).all()
    seen = any(sha == mail.sha256 or Path(path).name == legacy for letter, sha, path in rows)
    return Prior(seen, frozenset(letter for letter, _, _ in rows if letter is not None))


def seen(uow: Session, mail: Mail) -> bool:
    """Whether these exact bytes under this Message-ID were imported before."""
    return prior(uow, mail).seen


_CONTEXT = text(
    "SELECT l.id, b.campaign_id, a.key FROM letters l JOIN batches b ON b.id = l.batch_id "
    "JOIN addressees a ON a.id = l.addressee_id WHERE l.id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def letter_context(uow: Session, letters: list[Letter]) -> dict[int, tuple[int, str]]:
    """Per letter id: its campaign and its addressee's key, in one query."""
    rows = uow.execute(_CONTEXT, {"ids": [letter.id for letter in letters]}).all()
    return {letter_id: (campaign_id, key) for letter_id, campaign_id, key in rows}
