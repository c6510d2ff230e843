"""One letter as a reviewer sees it: its documents checked on disk, the email text, whether it
is stale, and what changed since the previously approved version.

Rule: every file is hashed against the sha256 stored when it was rendered, so a reviewer never
reads, writes out or approves bytes other than those the approval will pin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import IntegrityRefused, NotFound
from letters.texts import Previous, diff, previous_approved, text_of
from responses.parse import read
from review.queue import current_documents
from review.stale import stale_reasons
from storage import audit
from storage.tables import Addressee, Approval, Batch, Document, Letter, ReviewText
from timeutil import Clock


@dataclass(frozen=True)
class DocumentState:
    document: Document
    on_disk: str | None  # sha256 of the file now; None when it is missing
    approval: Approval | None  # the approval of exactly these bytes, if any

    @property
    def intact(self) -> bool:
        return self.on_disk == self.document.sha256


@dataclass(frozen=True)
class LetterView:
    letter: Letter
    addressee: Addressee
    batch: Batch
    revision: int
    documents: dict[str, DocumentState]
    stale: list[str]
    text: ReviewText | None
    previous: Previous | None
    changes: list[str]
    email_text: str


def _state(uow: Session, document: Document, documents_dir: Path) -> DocumentState:
    path = documents_dir / document.path
    on_disk = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    approval = uow.scalar(
        select(Approval)
        .where(
            Approval.document_id == document.id,
            Approval.sha256 == document.sha256,
            Approval.decision == "approved",
        )
        .order_by(Approval.id.desc())
        .limit(1)
    )
    return DocumentState(document, on_disk, approval)


def email_text(raw: bytes) -> str:
    """The headers a reviewer checks and the plain-text body of a rendered email."""
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)  # policy=default always builds EmailMessage
    # Names through the one header decoder (policy.default splits "Ціханоўская" at a fold).
    head = read(raw, max_bytes=len(raw) + 1)
    headers = [f"{name}: {head.header(name)}" for name in ("From", "To", "Reply-To", "Subject")]
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else "(no plain-text part)"
    return "\n".join([*headers, "", text.rstrip()])


def _readable_email(state: DocumentState | None, documents_dir: Path) -> str:
    if state is None:
        return ""
    if not state.intact:
        return "(the email file is missing or changed on disk; re-render the letter)"
    return email_text((documents_dir / state.document.path).read_bytes())


def letter_view(
    uow: Session, letter_id: int, *, documents_dir: Path, stale_after_signatures: int
) -> LetterView:
    """Everything ``review show`` prints about one letter's current revision."""
    letter = uow.get(Letter, letter_id)
    if letter is None:
        raise NotFound(f"no letter {letter_id}")
    documents = {
        fmt: _state(uow, d, documents_dir) for fmt, d in current_documents(uow, letter_id).items()
    }
    revision = documents["pdf"].document.revision if "pdf" in documents else 0
    text = text_of(uow, letter_id, revision)
    previous = previous_approved(uow, letter, revision)
    return LetterView(
        letter=letter,
        addressee=uow.get_one(Addressee, letter.addressee_id),
        batch=uow.get_one(Batch, letter.batch_id),
        revision=revision,
        documents=documents,
        stale=stale_reasons(uow, letter, after_signatures=stale_after_signatures),
        text=text,
        previous=previous,
        changes=diff(previous.text, text) if previous and text else [],
        email_text=_readable_email(documents.get("email"), documents_dir),
    )


def verified_pdf(view: LetterView, documents_dir: Path) -> bytes:
    """The PDF's bytes, refused when the file is not the one rendered (and to be approved)."""
    state = view.documents.get("pdf")
    if state is None:
        raise NotFound(f"letter {view.letter.id} has no rendered PDF")
    content = (documents_dir / state.document.path).read_bytes()
    actual = hashlib.sha256(content).hexdigest()
    if actual != state.document.sha256:
        raise IntegrityRefused(
            f"{state.document.path} changed on disk: sha256 {actual} is not the rendered "
            f"{state.document.sha256}; re-render the letter"
        )
    return content


def record_shown(uow: Session, view: LetterView, *, reviewer: str, clock: Clock) -> None:
    """Note that the reviewer looked at this revision (bulk approval reports the sample)."""
    audit.record(
        uow,
        at=clock.now(),
        actor=reviewer,
        action="letter.shown",
        subject=f"letter:{view.letter.id}",
        campaign_id=view.batch.campaign_id,
        revision=view.revision,
        sha256={fmt: s.document.sha256 for fmt, s in view.documents.items()},
    )
