"""The one gate before any bytes leave: they must be exactly what a reviewer approved.

Rule: every channel (SMTP, Maildir, the postal print batch) gets a delivery's bytes only from
``approved_content``; it raises ``IntegrityRefused`` instead of returning anything else.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from errors import IntegrityRefused
from review.queue import current_documents, is_approved
from storage.tables import Delivery


def approved_content(uow: Session, delivery: Delivery, documents_dir: Path) -> bytes:
    """The delivery's bytes, once every document of its letter is proven to be approved.

    Refused, naming the file and both hashes, when the delivered document is not the one
    recorded on the delivery, when any current document (the PDF and DOCX too, not only
    the email that carries a copy of the PDF) lacks an approval of its hash, or when any
    file on disk no longer hashes to what was approved: what staff reviewed must be what
    we hold, or nothing goes out.
    """
    documents = current_documents(uow, delivery.letter_id)
    unapproved = [d.path for d in documents.values() if not is_approved(uow, d)]
    sent = next((d for d in documents.values() if d.id == delivery.document_id), None)
    if sent is None or sent.sha256 != delivery.sha256:
        raise IntegrityRefused(
            f"delivery {delivery.id} records document {delivery.document_id} with sha256 "
            f"{delivery.sha256}, which is not a current document of letter {delivery.letter_id}"
        )
    if unapproved:
        raise IntegrityRefused(f"no approval for the bytes of {', '.join(unapproved)}")
    contents = {}
    for fmt, document in sorted(documents.items()):
        content = (documents_dir / document.path).read_bytes()
        actual = hashlib.sha256(content).hexdigest()
        if actual != document.sha256:
            raise IntegrityRefused(
                f"{document.path} changed after approval: sha256 {actual} "
                f"is not the approved {document.sha256}"
            )
        contents[fmt] = content
    return contents[sent.format]
