"""The review queue: list letters awaiting review, approve or reject them.

Rule: an approval pins the sha256 of each current document of the letter (its PDF and email).
A later render makes new documents whose hashes no approval covers, so they need approving
again; the outbox checks the hash of the bytes it sends against these approvals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from errors import Conflict, NotFound
from storage import audit
from storage.tables import Addressee, Approval, Batch, Campaign, Document, Letter
from timeutil import Clock


@dataclass(frozen=True)
class QueueItem:
    letter: Letter
    addressee: Addressee
    batch: Batch
    documents: dict[str, Document]


def current_documents(uow: Session, letter_id: int) -> dict[str, Document]:
    """The newest revision of each format of a letter's documents."""
    newest = (
        select(Document.format, func.max(Document.revision).label("revision"))
        .where(Document.letter_id == letter_id)
        .group_by(Document.format)
        .subquery()
    )
    rows = uow.scalars(
        select(Document)
        .join(
            newest, (Document.format == newest.c.format) & (Document.revision == newest.c.revision)
        )
        .where(Document.letter_id == letter_id)
    )
    return {doc.format: doc for doc in rows}


def is_approved(uow: Session, document: Document) -> bool:
    """True when a reviewer approved exactly this document's bytes."""
    return (
        uow.scalar(
            select(Approval.id)
            .where(
                Approval.document_id == document.id,
                Approval.sha256 == document.sha256,
                Approval.decision == "approved",
            )
            .limit(1)
        )
        is not None
    )


def queue(
    uow: Session,
    *,
    campaign: Campaign | None = None,
    batch_id: int | None = None,
    status: str = "review",
) -> list[QueueItem]:
    """Letters in ``status`` (default: awaiting review), oldest batch first."""
    query = (
        select(Letter, Addressee, Batch)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .join(Batch, Letter.batch_id == Batch.id)
        .where(Letter.status == status)
        .order_by(Batch.id, Addressee.key)
    )
    if campaign is not None:
        query = query.where(Batch.campaign_id == campaign.id)
    if batch_id is not None:
        query = query.where(Batch.id == batch_id)
    return [
        QueueItem(letter, addressee, batch, current_documents(uow, letter.id))
        for letter, addressee, batch in uow.execute(query).all()
    ]


def _decide(
    uow: Session,
    letter_ids: Iterable[int],
    *,
    decision: str,
    reviewer: str,
    comment: str,
    clock: Clock,
) -> list[Letter]:
    decided = []
    for letter_id in letter_ids:
        letter = uow.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        if letter.status != "review":
            raise Conflict(f"letter {letter_id} is {letter.status}, not awaiting review")
        documents = current_documents(uow, letter_id)
        for document in documents.values():
            uow.add(
                Approval(
                    document_id=document.id,
                    sha256=document.sha256,
                    decision=decision,
                    reviewer=reviewer,
                    comment=comment,
                    decided_at=clock.now(),
                )
            )
        letter.status = "approved" if decision == "approved" else "rejected"
        batch = uow.get_one(Batch, letter.batch_id)
        audit.record(
            uow,
            at=clock.now(),
            actor=reviewer,
            action=f"letter.{decision}",
            subject=f"letter:{letter_id}",
            campaign_id=batch.campaign_id,
            comment=comment,
            sha256={f: d.sha256 for f, d in documents.items()},
        )
        decided.append(letter)
    return decided


def approve(
    uow: Session, letter_ids: Iterable[int], *, reviewer: str, clock: Clock, comment: str = ""
) -> list[Letter]:
    """Approve the current bytes of each letter."""
    return _decide(
        uow, letter_ids, decision="approved", reviewer=reviewer, comment=comment, clock=clock
    )


def reject(
    uow: Session, letter_ids: Iterable[int], *, reviewer: str, comment: str, clock: Clock
) -> list[Letter]:
    """Reject letters; a comment saying why is required."""
    if not comment.strip():
        raise Conflict("a rejection needs a comment saying what to fix")
    return _decide(
        uow, letter_ids, decision="rejected", reviewer=reviewer, comment=comment, clock=clock
    )


def letters_in_review(uow: Session, batch_id: int) -> list[int]:
    return list(
        uow.scalars(select(Letter.id).where(Letter.batch_id == batch_id, Letter.status == "review"))
    )
