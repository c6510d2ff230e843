"""Rendering a batch: compose each pending letter, render its documents, store them for review.

Durable steps, and what a crash between them leaves:
1. read the pending letters (one short read transaction);
2. render each letter's PDF and email in memory (slow; no transaction open);
3. write the files atomically (temp file + rename) — a crash here leaves at most orphan files,
   which the next render overwrites with the same bytes;
4. in one write transaction per letter, add the ``Document`` rows and move the letter to
   ``review`` (or ``approved`` when the appeal does not require review).
A template error stops the batch before that letter is stored: no letter from a broken template.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from campaigns.store import appeal_of
from errors import Conflict, NotFound
from letters.compose import Attachment, ComposedLetter, compose
from letters.documents import RenderedDocument, Renderer, renderer_for
from responses.tokens import ReplyAddresses
from review import texts as review_texts
from storage import audit
from storage.db import Database
from storage.tables import Addressee, Approval, Batch, Campaign, Delivery, Document, Letter
from timeutil import Clock


@dataclass(frozen=True)
class RenderSummary:
    batch_id: int
    rendered: int
    files: list[Path]


def write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _compose_pending(
    db: Database, batch_id: int, identities: ReplyAddresses, letter_ids: Collection[int] | None
) -> tuple[Campaign, list[ComposedLetter]]:
    with db.unit_of_work(write=False) as uow:
        batch = uow.get_one(Batch, batch_id)
        campaign = uow.get_one(Campaign, batch.campaign_id)
        appeal = appeal_of(campaign)
        query = (
            select(Letter, Addressee)
            .join(Addressee, Letter.addressee_id == Addressee.id)
            .where(Letter.batch_id == batch_id, Letter.status == "pending")
            .order_by(Addressee.key)
        )
        if letter_ids is not None:
            query = query.where(Letter.id.in_(letter_ids))
        rows = uow.execute(query).all()
        composed = [
            compose(
                appeal=appeal,
                addressee=addressee,
                letter_id=letter.id,
                language=letter.language,
                dated=batch.created_at,
                signature_count=batch.signature_count,
                signatures_as_of=batch.signatures_as_of,
                message_id=letter.message_id,
                reply_to=identities.reply_to(letter.reply_token),
            )
            for letter, addressee in rows
        ]
    return campaign, composed


def render_letter(
    renderers: Mapping[str, Renderer], letter: ComposedLetter
) -> dict[str, RenderedDocument]:
    """The letter's documents: always a PDF; a DOCX for editing when that renderer is
    registered; an email (with the PDF attached) when the addressee has an address."""
    pdf = renderer_for(renderers, "pdf").render(letter)
    documents = {"pdf": pdf}
    if "docx" in renderers:
        documents["docx"] = renderers["docx"].render(letter)
    if letter.recipient_email:
        with_pdf = replace(
            letter,
            attachments=(
                Attachment(f"appeal-{letter.addressee_key}.pdf", pdf.media_type, pdf.content),
            ),
        )
        documents["email"] = renderer_for(renderers, "email").render(with_pdf)
    return documents


def render_batch(
    db: Database,
    batch_id: int,
    *,
    renderers: Mapping[str, Renderer],
    identities: ReplyAddresses,
    documents_dir: Path,
    actor: str,
    clock: Clock,
    letter_ids: Collection[int] | None = None,
) -> RenderSummary:
    """Render every pending letter of the batch (or only ``letter_ids``) and queue it for review."""
    campaign, letters = _compose_pending(db, batch_id, identities, letter_ids)
    auto_approve = not appeal_of(campaign).review_required
    folder = documents_dir / campaign.key / f"batch-{batch_id}"
    written: list[Path] = []
    for letter in letters:
        documents = render_letter(renderers, letter)
        with db.unit_of_work() as uow:
            row = uow.get_one(Letter, letter.letter_id)
            for fmt, doc in documents.items():
                revision = 1 + (
                    uow.scalar(
                        select(func.max(Document.revision)).where(
                            Document.letter_id == row.id, Document.format == fmt
                        )
                    )
                    or 0
                )
                path = folder / f"{letter.addressee_key}.r{revision}.{doc.extension}"
                write_atomically(path, doc.content)
                written.append(path)
                stored = Document(
                    letter_id=row.id,
                    format=fmt,
                    revision=revision,
                    path=str(path.relative_to(documents_dir)),
                    media_type=doc.media_type,
                    sha256=doc.sha256,
                    size=len(doc.content),
                    created_at=clock.now(),
                )
                uow.add(stored)
                uow.flush()
                if auto_approve:
                    uow.add(
                        Approval(
                            document_id=stored.id,
                            sha256=doc.sha256,
                            decision="approved",
                            reviewer="(review not required)",
                            decided_at=clock.now(),
                        )
                    )
            row.status = "approved" if auto_approve else "review"
            row.rendered_at = clock.now()
            review_texts.record(uow, letter, campaign_version=campaign.version, clock=clock)
            audit.record(
                uow,
                at=clock.now(),
                actor=actor,
                action="letter.render",
                subject=f"letter:{row.id}",
                campaign_id=campaign.id,
                addressee=letter.addressee_key,
                sha256={fmt: doc.sha256 for fmt, doc in documents.items()},
            )
    return RenderSummary(batch_id, len(letters), written)


def rerender_letter(
    db: Database,
    letter_id: int,
    *,
    renderers: Mapping[str, Renderer],
    identities: ReplyAddresses,
    documents_dir: Path,
    actor: str,
    clock: Clock,
) -> RenderSummary:
    """Render one letter again (after a rejection or a fix) as a new revision needing approval.

    A letter already in the outbox keeps the bytes it was queued with: ``Conflict``. If the
    process dies between the two steps, the letter is left ``pending`` with its old documents,
    which nothing enqueues; the next render of its batch renders it.
    """
    with db.unit_of_work() as uow:
        letter = uow.get(Letter, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        if uow.scalar(select(Delivery.id).where(Delivery.letter_id == letter_id).limit(1)):
            raise Conflict(f"letter {letter_id} is already in the outbox; it cannot be re-rendered")
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="letter.rerender",
            subject=f"letter:{letter_id}",
            campaign_id=uow.get_one(Batch, letter.batch_id).campaign_id,
            previous_status=letter.status,
        )
        letter.status, batch_id = "pending", letter.batch_id
    return render_batch(
        db,
        batch_id,
        renderers=renderers,
        identities=identities,
        documents_dir=documents_dir,
        actor=actor,
        clock=clock,
        letter_ids=[letter_id],
    )
