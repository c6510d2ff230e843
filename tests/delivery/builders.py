"""Row builders for delivery tests: approved email deliveries without rendering anything.

Each delivery gets its own small email on disk (carrying the letter's Message-ID, its To
header encoded as the renderer does) with an approval of its hash, so the worker's integrity
gate runs for real; bulk inserts, so thousands of rows take a second or two.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

import bootstrap
from recipients.addresses import header_address
from storage.tables import Addressee, Approval, Delivery, Document, Letter
from tests.helpers import load_examples, reach_milestone


def email_bytes(recipient: str, message_id: str) -> bytes:
    """A short letter to ``recipient``; SMTPUTF8 only when its local part is not ASCII."""
    utf8 = not recipient.partition("@")[0].isascii()
    message = EmailMessage(policy=SMTPUTF8 if utf8 else SMTP)
    message["From"] = "Office <office@org.example>"
    message["To"] = header_address("Foreign Affairs Desk", recipient or "desk@mfa.example")
    message["Subject"] = "Appeal: recognise the elections as not free and fair"
    message["Message-ID"] = message_id
    message.set_content("Please read the attached appeal.\n")
    return message.as_bytes()


def email_rows(
    s: bootstrap.Services,
    recipients: Sequence[str],
    *,
    key: str = "row",
    queue: bool = True,
    web_form: str = "",
) -> list[int]:
    """One queued, approved email delivery per recipient (addressee keys ``<key>-<n>``);
    return the delivery ids in order. ``queue=False``: the approved letters only (for
    ``enqueue``), their addressees with ``web_form`` and the recipient as email (if any)."""
    if not _has_batch(s):
        load_examples(s)
        reach_milestone(s)
    now = s.clock.now()
    with s.db.unit_of_work() as uow:
        batch_id = uow.scalars(select(Letter.batch_id).limit(1)).one()
    identities = [s.identities.new_identity() for _ in recipients]
    emails = [email_bytes(r, i.message_id) for r, i in zip(recipients, identities, strict=True)]
    folder = s.settings.documents_dir / key
    folder.mkdir(parents=True, exist_ok=True)
    for n, content in enumerate(emails):
        (folder / f"{n}.eml").write_bytes(content)
    hashes = [hashlib.sha256(content).hexdigest() for content in emails]
    keys = [f"{key}-{n:05d}" for n in range(len(recipients))]
    with s.db.unit_of_work() as uow:
        uow.execute(
            insert(Addressee),
            [
                {"key": k, "name": f"Desk {k}", "category": "government", "email": r}
                | {"updated_at": now, "web_form": web_form}
                for k, r in zip(keys, recipients, strict=True)
            ],
        )
        ids = _pairs(uow, select(Addressee.key, Addressee.id).where(Addressee.key.in_(keys)))
        uow.execute(
            insert(Letter),
            [
                {"batch_id": batch_id, "addressee_id": ids[k], "language": "en"}
                | {"status": "approved", "message_id": i.message_id, "reply_token": i.reply_token}
                | {"rendered_at": now}
                for k, i in zip(keys, identities, strict=True)
            ],
        )
        mids = [i.message_id for i in identities]
        letters = _pairs(
            uow, select(Letter.message_id, Letter.id).where(Letter.message_id.in_(mids))
        )
        paths = [f"{key}/{n}.eml" for n in range(len(recipients))]
        uow.execute(
            insert(Document),
            [
                {"letter_id": letters[m], "format": "email", "path": p, "sha256": h}
                | {"media_type": "message/rfc822", "size": len(e), "created_at": now}
                for m, p, h, e in zip(mids, paths, hashes, emails, strict=True)
            ],
        )
        docs = _pairs(uow, select(Document.path, Document.id).where(Document.path.in_(paths)))
        uow.execute(
            insert(Approval),
            [
                {"document_id": docs[p], "sha256": h, "decision": "approved", "reviewer": "r"}
                | {"decided_at": now}
                for p, h in zip(paths, hashes, strict=True)
            ],
        )
        if not queue:
            return []
        uow.execute(
            insert(Delivery),
            [
                {"letter_id": letters[m], "document_id": docs[p], "channel": "email"}
                | {"recipient": r, "state": "queued", "next_attempt_at": now, "message_id": m}
                | {"sha256": h, "created_at": now}
                for m, p, h, r in zip(mids, paths, hashes, recipients, strict=True)
            ],
        )
        found = _pairs(
            uow, select(Delivery.message_id, Delivery.id).where(Delivery.message_id.in_(mids))
        )
    return [found[m] for m in mids]


def _pairs(uow: Session, query: Select[Any]) -> dict[Any, Any]:
    return {a: b for a, b in uow.execute(query).all()}  # noqa: C416 (Rows, not pairs)


def _has_batch(s: bootstrap.Services) -> bool:
    with s.db.unit_of_work(write=False) as uow:
        return uow.scalar(select(Letter.id).limit(1)) is not None
