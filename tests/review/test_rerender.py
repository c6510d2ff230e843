"""Re-rendering a letter: a new revision that no earlier approval covers."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from bootstrap import Services
from delivery.memory import MemoryTransport
from errors import Conflict, NotFound
from review import queue
from storage import audit
from storage.tables import Document, Letter
from tests.helpers import rerender
from tests.review.steps import Batch, approve, enqueue_campaign

UKRAINE = "mfa-ukraine"


def _current(s: Services, letter_id: int) -> dict[str, Document]:
    with s.db.unit_of_work(write=False) as uow:
        return queue.current_documents(uow, letter_id)


def _status(s: Services, letter_id: int) -> str:
    with s.db.unit_of_work(write=False) as uow:
        return uow.get_one(Letter, letter_id).status


@pytest.fixture
def approved_then_rerendered(services: Services, batch: Batch) -> int:
    """The Ukrainian letter, approved and then rendered again; returns its id."""
    letter_id = batch.letters[UKRAINE]
    approve(services, letter_id)
    rerender(services, letter_id)
    return letter_id


def test_rerender_makes_revision_two(services: Services, approved_then_rerendered: int) -> None:
    """Both the PDF and the email get a second revision, in a file of their own."""
    documents = _current(services, approved_then_rerendered)
    assert {fmt: d.revision for fmt, d in documents.items()} == {"pdf": 2, "docx": 2, "email": 2}
    assert all(".r2." in d.path for d in documents.values())


def test_rerendered_letter_goes_back_to_review(
    services: Services, approved_then_rerendered: int
) -> None:
    """The approved letter is awaiting review again."""
    assert _status(services, approved_then_rerendered) == "review"


def test_revision_two_is_not_approved_by_the_first_approval(
    services: Services, approved_then_rerendered: int
) -> None:
    """The approval of revision 1 does not cover revision 2, even when the bytes are equal."""
    with services.db.unit_of_work(write=False) as uow:
        documents = queue.current_documents(uow, approved_then_rerendered)
        assert not any(queue.is_approved(uow, d) for d in documents.values())


def test_revision_two_is_not_deliverable_until_approved(
    services: Services, batch: Batch, approved_then_rerendered: int
) -> None:
    """Enqueueing skips the re-rendered letter as not approved."""
    report = enqueue_campaign(services)
    assert UKRAINE in report.not_approved
    assert UKRAINE not in report.queued


def test_approving_revision_two_delivers_its_bytes(
    services: Services, transport: MemoryTransport, approved_then_rerendered: int
) -> None:
    """Once approved again, the worker sends exactly revision 2's email."""
    approve(services, approved_then_rerendered)
    assert enqueue_campaign(services).queued == [UKRAINE]
    services.worker().drain_sync()
    (envelope,) = transport.sent
    email = _current(services, approved_then_rerendered)["email"]
    assert envelope.content == (services.settings.documents_dir / email.path).read_bytes()


def test_rerender_keeps_the_message_id(services: Services, approved_then_rerendered: int) -> None:
    """A new revision is the same letter: its Message-ID does not change."""
    email = _current(services, approved_then_rerendered)["email"]
    raw = (services.settings.documents_dir / email.path).read_bytes()
    with services.db.unit_of_work(write=False) as uow:
        letter = uow.get_one(Letter, approved_then_rerendered)
    assert message_from_bytes(raw, policy=default)["Message-ID"] == letter.message_id


def test_rejected_letter_can_be_rerendered_for_review(services: Services, batch: Batch) -> None:
    """After a rejection (and a fix), re-rendering puts the letter back in the queue."""
    letter_id = batch.letters[UKRAINE]
    with services.db.unit_of_work() as uow:
        queue.reject(uow, [letter_id], reviewer="r", comment="fix", clock=services.clock)
    assert rerender(services, letter_id).rendered == 1
    assert _status(services, letter_id) == "review"


def test_rerender_touches_only_that_letter(services: Services, batch: Batch) -> None:
    """The other letters of the batch keep their first revision."""
    rerender(services, batch.letters[UKRAINE])
    assert {d.revision for d in _current(services, batch.letters["uk-fcdo"]).values()} == {1}


def test_letter_in_the_outbox_cannot_be_rerendered(services: Services, batch: Batch) -> None:
    """Once queued for delivery, a letter keeps the bytes it was queued with."""
    approve(services, batch.letters[UKRAINE])
    enqueue_campaign(services)
    with pytest.raises(Conflict, match="outbox"):
        rerender(services, batch.letters[UKRAINE])
    assert _status(services, batch.letters[UKRAINE]) == "approved"


def test_rerendering_an_unknown_letter_is_not_found(services: Services, batch: Batch) -> None:
    """A letter id that does not exist is a NotFound."""
    with pytest.raises(NotFound):
        rerender(services, 999_999)


def test_rerender_is_audited_with_the_previous_status(
    services: Services, approved_then_rerendered: int
) -> None:
    """The audit log says who re-rendered the letter and what state it left."""
    with services.db.unit_of_work(write=False) as uow:
        entries = [e for e in audit.entries(uow) if e.action == "letter.rerender"]
    assert [(e.subject, e.details["previous_status"]) for e in entries] == [
        (f"letter:{approved_then_rerendered}", "approved")
    ]
