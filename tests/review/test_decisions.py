"""Approving and rejecting letters: what a decision pins, and what it lets through."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from bootstrap import Services
from errors import Conflict, NotFound
from review import queue
from storage.tables import Approval, Delivery, Letter
from tests.review.steps import Batch, approve, enqueue_campaign

UKRAINE = "mfa-ukraine"


def _approvals(s: Services, letter_id: int) -> list[Approval]:
    with s.db.unit_of_work(write=False) as uow:
        documents = queue.current_documents(uow, letter_id)
        ids = [d.id for d in documents.values()]
        return list(uow.scalars(select(Approval).where(Approval.document_id.in_(ids))))


def _status(s: Services, letter_id: int) -> str:
    with s.db.unit_of_work(write=False) as uow:
        return uow.get_one(Letter, letter_id).status


def test_rendered_letters_wait_in_the_review_queue(services: Services, batch: Batch) -> None:
    """After rendering, both letters are listed for review with their PDF and email."""
    with services.db.unit_of_work(write=False) as uow:
        items = queue.queue(uow, batch_id=batch.id)
    assert [item.addressee.key for item in items] == sorted(batch.letters)
    assert all(set(item.documents) == {"pdf", "docx", "email"} for item in items)


def test_approval_pins_the_hash_of_every_current_document(services: Services, batch: Batch) -> None:
    """Approving stores, per document, the sha256 of the exact bytes on disk."""
    letter_id = batch.letters[UKRAINE]
    approve(services, letter_id)
    with services.db.unit_of_work(write=False) as uow:
        documents = queue.current_documents(uow, letter_id)
    on_disk = {
        d.id: hashlib.sha256((services.settings.documents_dir / d.path).read_bytes()).hexdigest()
        for d in documents.values()
    }
    pinned = {a.document_id: a.sha256 for a in _approvals(services, letter_id)}
    assert pinned == on_disk
    assert set(pinned) == {d.id for d in documents.values()}


def test_approval_records_reviewer_and_decision(services: Services, batch: Batch) -> None:
    """Each approval row names the reviewer and says 'approved'."""
    approve(services, batch.letters[UKRAINE])
    rows = _approvals(services, batch.letters[UKRAINE])
    assert {(a.reviewer, a.decision) for a in rows} == {("reviewer", "approved")}


def test_approved_letter_cannot_be_decided_again(services: Services, batch: Batch) -> None:
    """A letter no longer in review cannot be approved (or rejected) a second time."""
    approve(services, batch.letters[UKRAINE])
    with pytest.raises(Conflict, match="not awaiting review"):
        approve(services, batch.letters[UKRAINE])


def test_approving_an_unknown_letter_is_not_found(services: Services, batch: Batch) -> None:
    """A letter id that does not exist is a NotFound, not a crash."""
    with pytest.raises(NotFound):
        approve(services, 999_999)


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_rejection_needs_a_comment(services: Services, batch: Batch, comment: str) -> None:
    """Rejecting without saying what to fix is refused; the letter stays in review."""
    with services.db.unit_of_work() as uow, pytest.raises(Conflict, match="comment"):
        queue.reject(
            uow, [batch.letters[UKRAINE]], reviewer="r", comment=comment, clock=services.clock
        )
    assert _status(services, batch.letters[UKRAINE]) == "review"


def test_rejection_records_the_comment(services: Services, batch: Batch) -> None:
    """The reason for a rejection is stored with the decision for each document."""
    with services.db.unit_of_work() as uow:
        queue.reject(
            uow, [batch.letters[UKRAINE]], reviewer="r", comment="wrong name", clock=services.clock
        )
    rows = _approvals(services, batch.letters[UKRAINE])
    assert {(a.decision, a.comment) for a in rows} == {("rejected", "wrong name")}
    assert _status(services, batch.letters[UKRAINE]) == "rejected"


def test_rejected_letter_stays_out_of_the_outbox(services: Services, batch: Batch) -> None:
    """Enqueueing reports a rejected letter as not approved and makes no delivery for it."""
    with services.db.unit_of_work() as uow:
        queue.reject(
            uow, [batch.letters[UKRAINE]], reviewer="r", comment="wrong name", clock=services.clock
        )
    approve(services, batch.letters["uk-fcdo"])
    report = enqueue_campaign(services)
    assert report.not_approved == [UKRAINE]
    assert report.queued == ["uk-fcdo"]
    with services.db.unit_of_work(write=False) as uow:
        letters = list(uow.scalars(select(Delivery.letter_id)))
    assert letters == [batch.letters["uk-fcdo"]]


def test_letters_in_review_are_not_enqueued(services: Services, batch: Batch) -> None:
    """Nothing reaches the outbox before a reviewer has decided."""
    report = enqueue_campaign(services)
    assert sorted(report.not_approved) == sorted(batch.letters)
    assert report.queued == []
