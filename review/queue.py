"""The review queue: list letters awaiting review, approve or reject them.

Rule: an approval pins the sha256 of each current document of the letter (its PDF and email).
A later render makes new documents whose hashes no approval covers, so they need approving
again; the outbox checks the hash of the bytes it sends against these approvals.
With "four eyes" on, the batch's creator may not approve its letters. ``four_eyes`` has no
default: callers take ``Services.approvals`` (``review.approvals``), which binds it from the
settings. Approving a whole batch at once is ``review.bulk``.
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
    return current_documents_of(uow, [letter_id]).get(letter_id, {})


def current_documents_of(uow: Session, letter_ids: Iterable[int]) -> dict[int, dict[str, Document]]:
    """``current_documents`` for many letters at once (one query), by letter id."""
    newest = (
        select(Document.letter_id, Document.format, func.max(Document.revision).label("revision"))
        .where(Document.letter_id.in_(sorted(set(letter_ids))))
        .group_by(Document.letter_id, Document.format)
        .subquery()
    )
    rows = uow.scalars(
        select(Document).join(
            newest,
            (Document.letter_id == newest.c.letter_id)
            & (Document.format == newest.c.format)
            & (Document.revision == newest.c.revision),
        )
    )
    found: dict[int, dict[str, Document]] = {}
    for doc in rows:
        found.setdefault(doc.letter_id, {})[doc.format] = doc
    return found


def is_approved(uow: Session, document: Document) -> bool:
    """True when a reviewer approved exactly this document's bytes."""
    return (document.id, document.sha256) in approved_hashes(uow, [document])


def approved_hashes(uow: Session, documents: Iterable[Document]) -> set[tuple[int, str]]:
    """(document id, sha256) pairs a reviewer approved, among these documents (one query)."""
    ids = sorted({d.id for d in documents})
    if not ids:
        return set()
    rows = uow.execute(
        select(Approval.document_id, Approval.sha256).where(
            Approval.document_id.in_(ids), Approval.decision == "approved"
        )
    )
    return {(document_id, sha256) for document_id, sha256 in rows}


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


def _check_four_eyes(uow: Session, letter: Letter, reviewer: str) -> Batch:
    batch = uow.get_one(Batch, letter.batch_id)
    if batch.created_by.strip().casefold() == reviewer.strip().casefold():
        raise Conflict(
            f"four eyes: {reviewer!r} created batch {batch.id} and cannot approve its letters "
            f"(letter {letter.id}); another reviewer must approve them"
        )
    return batch


def _decide_one(
    uow: Session, letter_id: int, *, decision: str, reviewer: str, comment: str, clock: Clock
) -> Letter:
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
    audit.record(
        uow,
        at=clock.now(),
        actor=reviewer,
        action=f"letter.{decision}",
        subject=f"letter:{letter_id}",
        campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
        addressee=uow.get_one(Addressee, letter.addressee_id).key,
        comment=comment,
        sha256={f: d.sha256 for f, d in documents.items()},
    )
    return letter


def approve(
    uow: Session,
    letter_ids: Iterable[int],
    *,
    reviewer: str,
    clock: Clock,
    four_eyes: bool,
    comment: str = "",
) -> list[Letter]:
    """Approve the current bytes of each letter. With ``four_eyes`` the reviewer must not be
    the batch's creator (``Conflict``; nothing is approved)."""
    approved = []
    for letter_id in letter_ids:
        letter = uow.get(Letter, letter_id)
        if four_eyes and letter is not None:
            _check_four_eyes(uow, letter, reviewer)
        approved.append(
            _decide_one(
                uow, letter_id, decision="approved", reviewer=reviewer, comment=comment, clock=clock
            )
        )
    return approved


def reject(
    uow: Session, letter_ids: Iterable[int], *, reviewer: str, comment: str, clock: Clock
) -> list[Letter]:
    """Reject letters; a comment saying why is required."""
    if not comment.strip():
        raise Conflict("a rejection needs a comment saying what to fix")
    return [
        _decide_one(
            uow, letter_id, decision="rejected", reviewer=reviewer, comment=comment, clock=clock
        )
        for letter_id in letter_ids
    ]


def letters_in_review(uow: Session, batch_id: int) -> list[int]:
    return list(
        uow.scalars(
            select(Letter.id)
            .where(Letter.batch_id == batch_id, Letter.status == "review")
            .order_by(Letter.id)
        )
    )
