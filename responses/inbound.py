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
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from letters.service import write_atomically
from responses.attachments import save_attachments
from responses.classify import Verdict, classify
from responses.matching import find_letters
from responses.parse import Mail, read
from responses.tokens import ReplyAddresses
from storage import audit
from storage.tables import Addressee, Batch, InboundMessage, Letter, Response
from timeutil import Clock, as_utc

DEFAULT_MAX_BYTES = 26_214_400
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no terminal escapes from a message's text
OUTCOMES = ("stored", "duplicate", "unmatched", "auto-reply", "bounce", "quarantined")


class BounceHandler(Protocol):
    """The delivery engine's bounce handling (``delivery.bounces.handle_bounce``).

    Returns True when it recognised and recorded the bounce; False leaves it to the pen.
    """

    def __call__(self, uow: Session, raw: bytes) -> bool: ...


@dataclass(frozen=True)
class Inbound:
    """What became of one message: ``outcome`` (one of OUTCOMES) and why."""

    outcome: str
    responses: tuple[Response, ...] = ()
    matched_by: str = ""  # token, in-reply-to, guess, sender (stored responses only)
    kind: str = ""  # the classification: bounce, auto-reply, holding, answer
    reason: str = ""  # the classification rule, or why it was quarantined
    held_id: int | None = None
    addressees: tuple[str, ...] = ()  # the keys of the letters' addressees, in order

    @property
    def response(self) -> Response | None:
        return self.responses[0] if self.responses else None

    def describe(self) -> str:
        """One line for people: where the message went and which rule sent it there."""
        return _CONTROL.sub("", self._line())

    def _line(self) -> str:
        if self.outcome == "stored":
            letters = ", ".join(
                f"letter {r.letter_id} to {key}"
                for r, key in zip(self.responses, self.addressees, strict=False)
            )
            why = f" ({self.reason})" if self.reason else ""
            return f"stored as {self.responses[0].kind} on {letters} by {self.matched_by}{why}"
        where = f" as pen #{self.held_id}" if self.held_id else ""
        return f"{self.outcome}{where}" + (f": {self.reason}" if self.reason else "")


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
    uow: Session,
    mail: Mail,
    letter: Letter,
    *,
    kind: str,
    matched_by: str,
    raw_path: Path,
    clock: Clock,
    message_id: str | None = None,
) -> Response:
    batch = uow.get_one(Batch, letter.batch_id)
    response = Response(
        campaign_id=batch.campaign_id,
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
    uow.add(response)
    uow.flush()
    return response


def hold(
    uow: Session, mail: Mail, *, raw_path: Path, status: str, clock: Clock, **why: str
) -> InboundMessage:
    """The message's row in ``inbound_messages`` (``why``: ``reason`` and/or ``rule``)."""
    held = InboundMessage(
        message_id=mail.message_id,
        raw_sha256=mail.sha256,
        raw_path=str(raw_path),
        sender=mail.header("From")[:300],
        subject=mail.header("Subject")[:500],
        received_at=received_at(mail, clock),
        status=status,
        reason=why.get("reason", ""),
        rule=why.get("rule", "")[:200],
    )
    uow.add(held)
    uow.flush()
    return held


def seen(uow: Session, mail: Mail) -> bool:
    """Whether these exact bytes under this Message-ID were imported before (older rows have
    no sha256 column filled, but their raw file is named by the sha256 of the bytes)."""
    file_name = f"{hashlib.sha256(mail.raw).hexdigest()}.eml"
    held = select(InboundMessage.id).where(
        InboundMessage.message_id == mail.message_id,
        or_(
            InboundMessage.raw_sha256 == mail.sha256,
            InboundMessage.raw_path.endswith(file_name, autoescape=True),
        ),
    )
    answered = select(Response.id).where(
        Response.message_id == mail.message_id,
        Response.raw_path.endswith(file_name, autoescape=True),
    )
    return bool(uow.scalar(held.limit(1)) or uow.scalar(answered.limit(1)))


def _store(
    uow: Session,
    mail: Mail,
    verdict: Verdict,
    *,
    letters: list[Letter],
    matched_by: str,
    raw_path: Path,
    actor: str,
    clock: Clock,
) -> Inbound:
    kind = "response" if verdict.kind == "answer" else "acknowledgement"
    # Another copy of this Message-ID (other bytes: a second route, a re-export) may already
    # have answered a letter; it is kept, but answers each letter once.
    answered = set(
        uow.scalars(select(Response.letter_id).where(Response.message_id == mail.message_id))
    )
    made = [
        new_response(
            uow, mail, letter, kind=kind, matched_by=matched_by, raw_path=raw_path, clock=clock
        )
        for letter in letters
        if letter.id not in answered
    ]
    rule = "; ".join(filter(None, (matched_by, verdict.rule)))
    if not made:
        rule = f"{rule}; another copy of this Message-ID already answers its letters"
    notes = "; ".join(mail.notes)
    held = hold(
        uow, mail, raw_path=raw_path, status="matched", clock=clock, rule=rule, reason=notes
    )
    if not made:
        return Inbound("duplicate", kind=verdict.kind, reason=rule, held_id=held.id)
    held.response_id = made[0].id
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
    keys = {
        a.id: a.key
        for a in uow.scalars(
            select(Addressee).where(Addressee.id.in_({r.addressee_id for r in made}))
        )
    }
    return Inbound(
        "stored",
        tuple(made),
        matched_by,
        verdict.kind,
        verdict.rule,
        held.id,
        tuple(keys[r.addressee_id] for r in made),
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
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Inbound:
    """Store one raw message where it belongs (see the module rule); never raises on content."""
    mail = read(raw, max_bytes=max_bytes)
    if seen(uow, mail):
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
            subject=f"inbound:{held.id}",
            reason=mail.quarantine,
        )
        return Inbound("quarantined", reason=mail.quarantine, held_id=held.id)
    verdict = classify(mail, domain=identities.domain)
    if verdict.kind == "bounce":
        taken = bounces is not None and bounces(uow, raw)
        status = "bounced" if taken else "bounce"
        held = hold(uow, mail, raw_path=raw_path, status=status, clock=clock, rule=verdict.rule)
        reason = verdict.rule + ("" if taken else "; no delivery of ours claims it")
        return Inbound("bounce", kind="bounce", reason=reason, held_id=held.id)
    letters, matched_by = find_letters(uow, mail, identities)
    if letters:
        return _store(
            uow,
            mail,
            verdict,
            letters=letters,
            matched_by=matched_by,
            raw_path=raw_path,
            actor=actor,
            clock=clock,
        )
    status = "unmatched" if verdict.kind == "answer" else "auto-reply"
    notes = "; ".join(mail.notes)
    held = hold(
        uow, mail, raw_path=raw_path, status=status, clock=clock, rule=verdict.rule, reason=notes
    )
    return Inbound(status, kind=verdict.kind, reason=verdict.rule, held_id=held.id)
