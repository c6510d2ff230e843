"""A batch's tables: its letters, their rendered documents, review texts, approvals, and annex.

Rule: rendered bytes are pinned by sha256 (documents and annex), and an approval stores the
sha256 of the exact bytes reviewed, so delivery can refuse bytes nobody approved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class Batch(Base):
    """One round of letters for a campaign, created by a milestone or by hand."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    # first (the full appeal) | progress (a later milestone's update) | reminder (a follow-up):
    # set by ``campaigns.batches.create_batch`` alone.
    kind: Mapped[str] = mapped_column(String(12), default="first", server_default="first")
    campaign_version: Mapped[int]
    signature_count: Mapped[int]
    signatures_as_of: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))


class Letter(Base):
    """One addressee's letter in a batch; its documents are the rendered bytes."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("batch_id", "addressee_id"),
        # The review queue and dashboard count letters by status without reading every letter.
        Index("ix_letters_status_batch", "status", "batch_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    # Indexed: an addressee's thread (campaigns.threads, the standings triggers) starts here.
    addressee_id: Mapped[int] = mapped_column(ForeignKey("addressees.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    reply_token: Mapped[str] = mapped_column(String(120), unique=True)
    rendered_at: Mapped[datetime | None] = mapped_column(default=None)
    # Why the last render of this letter failed ("" when it did not): the letter stays pending,
    # the rest of its batch renders (letters.service), and staff see the reason in review.
    render_error: Mapped[str] = mapped_column(Text, default="", server_default="")


class Document(Base):
    """Rendered bytes of one letter in one format, kept on disk and pinned by sha256."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("letter_id", "format", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    path: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    created_at: Mapped[datetime]


class Approval(Base):
    """A reviewer's decision on one document; approvals pin the exact sha256 reviewed."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))
    reviewer: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime]


class ReviewText(Base):
    """What one revision of a letter says, section by section, for review diffs and staleness.

    Written in the render's transaction from the composed letter (not parsed back from the PDF),
    with the campaign version and signature count it was rendered from.
    """

    __tablename__ = "review_texts"
    __table_args__ = (UniqueConstraint("letter_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    revision: Mapped[int]
    campaign_version: Mapped[int]
    signature_count: Mapped[int]
    sections: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class BatchAnnex(Base):
    """The signatory annex of one batch: rendered once from the batch's snapshot of public
    signers, kept on disk beside the batch's letters and pinned by sha256; every letter PDF of
    the batch is its cover followed by these pages."""

    __tablename__ = "batch_annexes"
    # One annex per language of the batch's letters: its heading, intro and country names are
    # in the letter's language (a letter is never mixed).
    __table_args__ = (UniqueConstraint("batch_id", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    language: Mapped[str] = mapped_column(String(16), default="", server_default="")
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    names: Mapped[int]
    pages: Mapped[int]
    created_at: Mapped[datetime]
