"""Inbound replies: read a raw message, classify it, match it to its letters, store it.

Rule: every message is kept (its raw bytes on disk by sha256, one ``inbound_messages`` row) and
lands in exactly one place: quarantined (unreadable, with the reason), a bounce (handed to the
delivery engine's handler, or kept apart when no delivery claims it), responses on every letter
a rule matched (``matched_by`` says which rule: a ``guess`` is shown to staff to confirm), or
the holding pen (``unmatched`` for staff to sort, ``auto-reply`` kept apart). A message already
stored (same Message-ID and same raw sha256) is a duplicate and changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, insert, text
from sqlalchemy.orm import Session

from letters.service import write_atomically
from responses.attachments import save_attachments
from responses.classify import Verdict, classify
from responses.matching import find_letters
from responses.outcome import Inbound
from responses.parse import Mail, read
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Batch, InboundMessage, Letter, Response
from timeutil import Clock, as_utc

DEFAULT_MAX_BYTES = 26_214_400


class BounceHandler(Protocol):
    """The delivery engine's bounce handling (``delivery.bounces.handle_bounce``).

    Returns True when it recognised and recorded the bounce; False leaves it to the pen.
    """

    def __call__(self, uow: Session, raw: bytes) -> bool: ...


def summary_of(mail: Mail) -> str:
    kept = [line for line in mail.text.splitlines() if not line.lstrip().startswith(">")]
    return " ".join(" ".join(kept).split())[:500]


def received_at(mail: Mail, clock: Clock) -> datetime:
    # The Date header when it parses; else (a broken mailer must not stop the import) the
    # message is dated when it was imported.
    try:
        sent_at = parsedate_to_datetime(mail.header("Date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return clock.now()
    return as_utc(sent_at) if sent_at.tzinfo else clock.now()


def keep_raw(mail: Mail, raw_dir: Path) -> Path:
    """Store the raw bytes by their sha256, and the attachments in a folder beside them."""
    path = raw_dir / f"{mail.sha256}.eml"
    if not path.exists():
        write_atomically(path, mail.raw)
    save_attachments(mail.attachments, raw_dir / f"{mail.sha256}.parts")
    return path


def response_kind(mail: Mail, *, domain: str) -> str:
    """``response`` for a person's answer, ``acknowledgement`` for automatic or holding ones."""
    if mail.quarantine:
        return "response"  # unreadable, so staff assigning it have read it themselves
    verdict = classify(mail, domain=domain)
    return "response" if verdict.kind == "answer" else "acknowledgement"


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
    (and the ``campaign_id`` given) a row for ``_insert`` to write."""
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
        received_at=received_at(mail, clock),
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


def _insert(uow: Session, responses: list[Response]) -> None:
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


def _context(uow: Session, letters: list[Letter]) -> dict[int, tuple[int, str]]:
    """Per letter id: its campaign and its addressee's key, in one query."""
    rows = uow.execute(_CONTEXT, {"ids": [letter.id for letter in letters]}).all()
    return {letter_id: (campaign_id, key) for letter_id, campaign_id, key in rows}


def _store(
    uow: Session,
    mail: Mail,
    verdict: Verdict,
    *,
    letters: list[Letter],
    matched_by: str,
    answered: frozenset[int],
    raw_path: Path,
    actor: str,
    clock: Clock,
) -> Inbound:
    kind = "response" if verdict.kind == "answer" else "acknowledgement"
    rule = "; ".join(filter(None, (matched_by, verdict.rule)))
    # Another copy of this Message-ID (other bytes: a second route, a re-export) may already
    # have answered a letter; it is kept, but answers each letter once.
    letters = [letter for letter in letters if letter.id not in answered]
    notes = "; ".join(mail.notes)
    if not letters:
        rule = f"{rule}; another copy of this Message-ID already answers its letters"
        held = hold(uow, mail, raw_path=raw_path, status="matched", clock=clock, rule=rule)
        return Inbound("duplicate", kind=verdict.kind, reason=rule, held_id=held)
    context = _context(uow, letters)
    made = [
        new_response(
            None,
            mail,
            letter,
            kind=kind,
            matched_by=matched_by,
            raw_path=raw_path,
            clock=clock,
            campaign_id=context[letter.id][0],
        )
        for letter in letters
    ]
    _insert(uow, made)
    for response in made:
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="response.import",
            subject=f"response:{response.id}",
            campaign_id=response.campaign_id,
            letter=response.letter_id,
            matched_by=matched_by,
            kind=response.kind,
            notes=mail.notes,
        )
    held = hold(
        uow,
        mail,
        raw_path=raw_path,
        status="matched",
        clock=clock,
        response_id=made[0].id,
        rule=rule,
        reason=notes,
    )
    keys = tuple(context[letter.id][1] for letter in letters)
    return Inbound("stored", tuple(made), matched_by, verdict.kind, verdict.rule, held, keys)


def import_message(
    uow: Session,
    raw: bytes,
    *,
    identities: ReplyAddresses,
    raw_dir: Path,
    actor: str,
    clock: Clock,
    bounces: BounceHandler | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Inbound:
    """Store one raw message where it belongs (see the module rule); never raises on content."""
    mail = read(raw, max_bytes=max_bytes)
    before = prior(uow, mail)
    if before.seen:
        return Inbound("duplicate")
    raw_path = keep_raw(mail, raw_dir)
    if mail.quarantine:
        held = hold(
            uow, mail, raw_path=raw_path, status="quarantined", clock=clock, reason=mail.quarantine
        )
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="response.quarantine",
            subject=f"inbound:{held}",
            reason=mail.quarantine,
        )
        return Inbound("quarantined", reason=mail.quarantine, held_id=held)
    verdict = classify(mail, domain=identities.domain)
    if verdict.kind == "bounce":
        taken = bounces is not None and bounces(uow, raw)
        status = "bounced" if taken else "bounce"
        held = hold(uow, mail, raw_path=raw_path, status=status, clock=clock, rule=verdict.rule)
        reason = verdict.rule + ("" if taken else "; no delivery of ours claims it")
        return Inbound("bounce", kind="bounce", reason=reason, held_id=held)
    letters, matched_by = find_letters(uow, mail, identities)
    if letters:
        return _store(
            uow,
            mail,
            verdict,
            letters=letters,
            matched_by=matched_by,
            answered=before.answered,
            raw_path=raw_path,
            actor=actor,
            clock=clock,
        )
    status = "unmatched" if verdict.kind == "answer" else "auto-reply"
    notes = "; ".join(mail.notes)
    held = hold(
        uow, mail, raw_path=raw_path, status=status, clock=clock, rule=verdict.rule, reason=notes
    )
    return Inbound(status, kind=verdict.kind, reason=verdict.rule, held_id=held)
