"""Steps the delivery, response and SMTP tests share: approve a batch, enqueue it, read rows."""

from __future__ import annotations

from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import EnqueueReport, enqueue
from review import queue
from storage.tables import Addressee, Approval, Delivery, Document, Letter
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, load_examples, reach_milestone


def approve_and_enqueue(s: Services, batch_id: int) -> EnqueueReport:
    """Approve every letter of the batch awaiting review, then put the campaign in the outbox."""
    with s.db.unit_of_work() as uow:
        s.approvals.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r")
        return enqueue(uow, get_campaign(uow, CAMPAIGN), actor="test", clock=s.clock)


def queued_batch(s: Services) -> int:
    """The whole path up to the outbox: examples loaded, milestone reached, rendered (stand-in
    PDFs: ``tests.documents``), queued."""
    load_examples(s)
    batch_id = reach_milestone(s)
    stand_in_render(s, batch_id)
    approve_and_enqueue(s, batch_id)
    return batch_id


def deliveries(s: Services) -> list[Delivery]:
    """Every outbox row, oldest first."""
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Delivery).order_by(Delivery.id)))


def add_queued_copies(s: Services, batch_id: int, n: int) -> None:
    """``n`` more approved letters in the batch, each to its own addressee and queued by email,
    sharing the first letter's approved files on disk (so the integrity check still runs)."""
    now = s.clock.now()
    with s.db.unit_of_work() as uow:
        model = uow.scalars(select(Delivery).order_by(Delivery.id)).first()
        assert model is not None
        documents = queue.current_documents(uow, model.letter_id)
        for i in range(n):
            addressee = Addressee(
                key=f"copy-{i:05d}",
                name=f"Copy {i}",
                category="government",
                email=f"desk-{i}@copy{i % 7}.example",
                updated_at=now,
            )
            identity = s.identities.new_identity()
            uow.add(addressee)
            uow.flush()
            letter = Letter(
                batch_id=batch_id,
                addressee_id=addressee.id,
                language="en",
                status="approved",
                message_id=identity.message_id,
                reply_token=identity.reply_token,
                rendered_at=now,
            )
            uow.add(letter)
            uow.flush()
            copies = {}
            for fmt, d in documents.items():
                copies[fmt] = Document(
                    letter_id=letter.id,
                    format=fmt,
                    path=d.path,
                    media_type=d.media_type,
                    sha256=d.sha256,
                    size=d.size,
                    created_at=now,
                )
                uow.add(copies[fmt])
            uow.flush()
            uow.add_all(
                Approval(
                    document_id=c.id,
                    sha256=c.sha256,
                    decision="approved",
                    reviewer="r",
                    decided_at=now,
                )
                for c in copies.values()
            )
            uow.add(
                Delivery(
                    letter_id=letter.id,
                    document_id=copies["email"].id,
                    channel="email",
                    recipient=addressee.email,
                    state="queued",
                    next_attempt_at=now,
                    message_id=letter.message_id,
                    sha256=copies["email"].sha256,
                    created_at=now,
                )
            )
