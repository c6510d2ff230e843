"""The one gate before any bytes leave: they must be exactly what a reviewer approved.

Rule: every channel (SMTP, Maildir, the postal print batch) gets a delivery's bytes only from
``approved_content`` (one delivery) or ``approved_contents`` (a claimed batch: the same checks
with two queries for the whole batch); neither ever hands out anything else. The bytes handed
out are the very bytes that were hashed, read from disk at check time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from errors import IntegrityRefused
from review.queue import approved_hashes, current_documents_of
from storage.tables import Delivery, Document


def approved_content(uow: Session, delivery: Delivery, documents_dir: Path) -> bytes:
    """The delivery's bytes, once every document of its letter is proven to be approved.

    Refused, naming the file and both hashes, when the delivered document is not the one
    recorded on the delivery, when any current document (the PDF and DOCX too, not only
    the email that carries a copy of the PDF) lacks an approval of its hash, or when any
    file on disk no longer hashes to what was approved: what staff reviewed must be what
    we hold, or nothing goes out. Raises ``IntegrityRefused`` (or ``OSError`` for a file
    that cannot be read).
    """
    outcome = approved_contents(uow, [delivery], documents_dir)[delivery.id]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def approved_contents(
    uow: Session, deliveries: Sequence[Delivery], documents_dir: Path
) -> dict[int, bytes | IntegrityRefused | OSError]:
    """``approved_content`` for each delivery of a claimed batch: its bytes, or the refusal.

    One query finds the current documents of all their letters and one their approvals; a
    file shared by several letters is read and hashed once per call.
    """
    documents = current_documents_of(uow, {d.letter_id for d in deliveries})
    approved = approved_hashes(uow, [doc for docs in documents.values() for doc in docs.values()])
    files = _Files(documents_dir)
    outcomes: dict[int, bytes | IntegrityRefused | OSError] = {}
    for delivery in deliveries:
        try:
            outcomes[delivery.id] = _check(
                delivery, documents.get(delivery.letter_id, {}), approved, files
            )
        except (IntegrityRefused, OSError) as exc:
            outcomes[delivery.id] = exc
    return outcomes


def _check(
    delivery: Delivery,
    documents: dict[str, Document],
    approved: set[tuple[int, str]],
    files: _Files,
) -> bytes:
    unapproved = [d.path for d in documents.values() if (d.id, d.sha256) not in approved]
    sent = next((d for d in documents.values() if d.id == delivery.document_id), None)
    if sent is None or sent.sha256 != delivery.sha256:
        raise IntegrityRefused(
            f"delivery {delivery.id} records document {delivery.document_id} with sha256 "
            f"{delivery.sha256}, which is not a current document of letter {delivery.letter_id}"
        )
    if unapproved:
        raise IntegrityRefused(f"no approval for the bytes of {', '.join(unapproved)}")
    content = b""
    for _fmt, document in sorted(documents.items()):
        read = files.verified(document, keep=document is sent)
        if document is sent:
            content = read
    return content


class _Files:
    """Approved files read from disk, each hashed once; only sent files' bytes are kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hashes: dict[str, str] = {}
        self.kept: dict[str, bytes] = {}

    def verified(self, document: Document, *, keep: bool) -> bytes:
        """The document's bytes (empty unless ``keep``), refused if they hash otherwise."""
        path = document.path
        if path in self.kept or (path in self.hashes and not keep):
            actual, content = self.hashes[path], self.kept.get(path, b"")
        else:
            content = (self.root / path).read_bytes()
            actual = self.hashes[path] = hashlib.sha256(content).hexdigest()
            if keep:
                self.kept[path] = content
        if actual != document.sha256:
            raise IntegrityRefused(
                f"{path} changed after approval: sha256 {actual} "
                f"is not the approved {document.sha256}"
            )
        return content
