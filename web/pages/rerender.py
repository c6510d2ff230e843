"""What the review desk says about how a letter came to be: who rendered its current revision
and when, the last rejection, which letters are rejected, and whether it may be rendered
again from the browser.

Rule: staleness is ``review.stale`` (``stale_reasons``, ``stale_marks`` for a page of letters),
the same rule as ``review list --stale``.
Rendering again uses the current appeal but the batch's own count (a batch is one snapshot),
so a stale letter is offered for it only when a render now would use other inputs than its
current revision did; one stale only by a newer count would come back just as stale. A letter
with a delivery in the outbox is never offered: ``rerender_letter`` refuses it (it keeps the
bytes it was queued with).
Why: a reviewer asked to approve revision 3 should see what it was rendered from, by whom,
and what was wrong with the revision before, without leaving the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from letters.service import in_outbox
from review.view import LetterView
from storage.tables import (
    Addressee,
    Approval,
    AuditEntry,
    Campaign,
    Document,
    Letter,
)

REJECTED_SHOWN = 50  # the queue page lists the newest rejections; older ones via the CLI


@dataclass(frozen=True)
class Rejection:
    revision: int
    reviewer: str
    comment: str
    decided_at: datetime


@dataclass(frozen=True)
class Provenance:
    """Who rendered the current revision and when, the newest rejection of any revision, and
    whether the letter is already in the outbox."""

    rendered_by: str
    rendered_at: datetime | None
    rejection: Rejection | None
    in_outbox: bool
    inputs_changed: bool  # a render now would use another appeal version or count

    def may_rerender(self, view: LetterView) -> bool:
        """Offered for rejected letters, stale ones a render would change, and one left
        unrendered by a failed render (``pending`` with earlier documents); never once it is
        in the outbox."""
        if self.in_outbox:
            return False
        left_pending = view.letter.status == "pending" and (
            view.revision > 0 or bool(view.letter.render_error)
        )
        refreshes = bool(view.stale) and self.inputs_changed
        return view.letter.status == "rejected" or left_pending or refreshes


def _inputs_changed(uow: Session, view: LetterView) -> bool:
    """Whether rendering again would use another appeal version or count than the current
    revision (letters from before review texts: their batch's version and count)."""
    batch = view.batch
    made_from = (
        (view.text.campaign_version, view.text.signature_count)
        if view.text
        else (batch.campaign_version, batch.signature_count)
    )
    campaign = uow.get_one(Campaign, batch.campaign_id)
    return made_from != (campaign.version, batch.signature_count)


def _rejection(uow: Session, letter_id: int) -> Rejection | None:
    row = uow.execute(
        select(Approval, Document.revision)
        .join(Document, Document.id == Approval.document_id)
        .where(
            Document.letter_id == letter_id,
            Document.format == "pdf",
            Approval.decision == "rejected",
        )
        .order_by(Approval.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    approval, revision = row
    return Rejection(revision, approval.reviewer, approval.comment, approval.decided_at)


def provenance(uow: Session, view: LetterView) -> Provenance:
    letter_id = view.letter.id
    rendered_by = uow.scalar(
        select(AuditEntry.actor)
        .where(AuditEntry.subject == f"letter:{letter_id}", AuditEntry.action == "letter.render")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    pdf = view.documents.get("pdf")
    return Provenance(
        rendered_by=rendered_by or "",
        rendered_at=pdf.document.created_at if pdf else None,
        rejection=_rejection(uow, letter_id),
        in_outbox=in_outbox(uow, letter_id),
        inputs_changed=_inputs_changed(uow, view),
    )


@dataclass(frozen=True)
class RejectedRow:
    letter_id: int
    batch_id: int
    addressee_name: str
    reviewer: str
    comment: str
    decided_at: datetime


def rejected_letters(uow: Session, *, limit: int = REJECTED_SHOWN) -> list[RejectedRow]:
    """Letters now rejected (waiting for a fix and a new render), newest rejection first,
    each with its newest rejection."""
    newest = (
        select(Document.letter_id, func.max(Approval.id).label("approval_id"))
        .join(Approval, Approval.document_id == Document.id)
        .where(Document.format == "pdf", Approval.decision == "rejected")
        .group_by(Document.letter_id)
        .subquery()
    )
    query = (
        select(Letter, Addressee.name, Approval)
        .join(newest, newest.c.letter_id == Letter.id)
        .join(Approval, Approval.id == newest.c.approval_id)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .where(Letter.status == "rejected")
        .order_by(Approval.id.desc())
        .limit(limit)
    )
    return [
        RejectedRow(letter.id, letter.batch_id, name, a.reviewer, a.comment, a.decided_at)
        for letter, name, a in uow.execute(query)
    ]
