"""Proofs before sending: the exact approved emails of a sample, sent to a staff address.

Rule: a proof is the approved bytes with one change, ``[PROOF]`` put before the Subject, and
goes only to the staff address given (the envelope recipient; the headers still name the
addressee, so staff see what the desk will see). It is never a delivery: no outbox row, no
state, nothing a report counts; its envelope sender is not a delivery's bounce address, so a
bounce of a proof changes nothing. The bytes pass the same checks as the worker's: the
email must be the letter's current document, approved, and on disk as approved.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from delivery.envelope import DeliveryResult, Envelope
from delivery.worker import Pooling, Transport
from errors import IntegrityRefused, NotFound
from review.queue import current_documents_of, is_approved
from storage.tables import Addressee, Batch, Campaign, Document, Letter

SUBJECT = re.compile(rb"^Subject:[ \t]*", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Proof:
    addressee: str
    language: str
    content: bytes


def marked(content: bytes) -> bytes:
    """The bytes with ``[PROOF] `` at the start of the Subject header (only in the header)."""
    head, sep, body = content.partition(b"\r\n\r\n")
    if not SUBJECT.search(head):
        return b"Subject: [PROOF]\r\n" + content
    return SUBJECT.sub(b"Subject: [PROOF] ", head, count=1) + sep + body


def pick_proofs(
    uow: Session, campaign: Campaign, *, documents_dir: Path, sample: int
) -> list[Proof]:
    """Up to ``sample`` approved emails of the campaign, one language after another (so a
    sample of three shows three languages when there are), by addressee key."""
    rows = uow.execute(
        select(Letter, Addressee.key)
        .join(Batch, Letter.batch_id == Batch.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Batch.campaign_id == campaign.id, Letter.status == "approved")
        .order_by(Addressee.key, Letter.id)
    ).all()
    documents = current_documents_of(uow, [letter.id for letter, _ in rows])
    by_language: dict[str, list[tuple[Letter, str]]] = {}
    for letter, key in rows:
        if "email" in documents.get(letter.id, {}):
            by_language.setdefault(letter.language, []).append((letter, key))
    # Round robin over the languages: the first of each, then the second of each, …
    rounds = zip_longest(*by_language.values())
    chosen = [row for turn in rounds for row in turn if row is not None][:sample]
    if not chosen:
        raise NotFound(f"campaign {campaign.key} has no approved email to proof")
    return [_proof(uow, letter, key, documents[letter.id], documents_dir) for letter, key in chosen]


def _proof(
    uow: Session, letter: Letter, key: str, documents: dict[str, Document], documents_dir: Path
) -> Proof:
    email = documents["email"]
    if not is_approved(uow, email):
        raise IntegrityRefused(f"no approval for the bytes of {email.path}")
    content = (documents_dir / email.path).read_bytes()
    if hashlib.sha256(content).hexdigest() != email.sha256:
        raise IntegrityRefused(f"{email.path} changed after approval")
    return Proof(key, letter.language, marked(content))


async def send_proofs(
    transport: Transport, proofs: list[Proof], *, to: str, sender: str
) -> list[tuple[Proof, DeliveryResult]]:
    """Send each proof to ``to`` through ``transport`` (the email channel's)."""
    sent = []
    try:
        for proof in proofs:
            envelope = Envelope(0, sender, (to,), proof.content, "")
            sent.append((proof, await transport.send(envelope)))
    finally:
        if isinstance(transport, Pooling):
            await transport.aclose()  # the connections belong to this event loop
    return sent
