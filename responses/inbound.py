"""Inbound replies: read a raw message, classify it, match it to its letters, store it.

Rule: every message is kept (its raw bytes on disk by sha256, one ``inbound_messages`` row) and
lands in exactly one place: quarantined (unreadable, with the reason), a bounce (handed to the
delivery engine's handler, or kept apart when no delivery claims it), responses on every letter
a rule matched (``matched_by`` says which rule: a ``guess`` is shown to staff to confirm), or
the holding pen (``unmatched`` for staff to sort, ``auto-reply`` kept apart). A message already
stored (same Message-ID and same raw sha256) is a duplicate and changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from letters.documents import write_atomically
from letters.identity import ReplyAddresses
from responses.attachments import save_attachments
from responses.classify import Verdict, classify
from responses.matching import find_letters
from responses.outcome import Inbound
from responses.parse import Mail, read
from responses.rows import hold, insert_responses, letter_context, new_response, prior
from storage import audit
from storage.tables import Letter
from timeutil import Clock

DEFAULT_MAX_BYTES = 26_214_400


class BounceHandler(Protocol):
    """The delivery engine's bounce handling (``delivery.bounces.handle_bounce``).

    Returns True when it recognised and recorded the bounce; False leaves it to the pen.
    """

    def __call__(self, uow: Session, raw: bytes) -> bool: ...


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
    if not letters:
        rule = f"{rule}; another copy of this Message-ID already answers its letters"
        held = hold(uow, mail, raw_path=raw_path, status="matched", clock=clock, rule=rule)
        return Inbound("duplicate", kind=verdict.kind, reason=rule, held_id=held)
    context = letter_context(uow, letters)
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
    insert_responses(uow, made)
    notes = "; ".join(mail.notes)  # after new_response, which may note an unbelievable Date
    for response in made:
        audit.record_at_once(
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
    return Inbound(
        "stored",
        tuple(made),
        matched_by,
        verdict.kind,
        verdict.rule,
        held,
        keys,
        notes=tuple(mail.notes),
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
    return Inbound(
        status, kind=verdict.kind, reason=verdict.rule, held_id=held, notes=tuple(mail.notes)
    )
