"""Approved bytes only: the worker refuses bytes edited after approval; the audit log shows it."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.memory import MemoryTransport
from review import queue
from storage import audit
from storage.tables import Approval, AuditEntry, Delivery, Document
from tests.helpers import CAMPAIGN
from tests.review.steps import Batch, approve, enqueue_campaign

UKRAINE = "mfa-ukraine"


def _document(s: Services, letter_id: int, fmt: str) -> Document:
    with s.db.unit_of_work(write=False) as uow:
        return queue.current_documents(uow, letter_id)[fmt]


def _deliveries(s: Services) -> list[Delivery]:
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Delivery).order_by(Delivery.id)))


def _audit(s: Services) -> list[AuditEntry]:
    with s.db.unit_of_work(write=False) as uow:
        return audit.entries(uow, campaign_id=get_campaign(uow, CAMPAIGN).id)


@pytest.fixture
def queued(services: Services, batch: Batch) -> int:
    """The Ukrainian letter approved and in the outbox; returns its letter id."""
    letter_id = batch.letters[UKRAINE]
    approve(services, letter_id)
    assert enqueue_campaign(services).queued == [UKRAINE]
    return letter_id


def test_email_edited_after_approval_is_not_sent(
    services: Services, transport: MemoryTransport, queued: int
) -> None:
    """One changed byte in the stored email fails the delivery and nothing reaches the transport."""
    path = services.settings.documents_dir / _document(services, queued, "email").path
    path.write_bytes(path.read_bytes().replace(b"Masha Zabara", b"Masha Zabarb", 1))
    services.worker().drain_sync()
    (delivery,) = _deliveries(services)
    assert delivery.state == "failed"
    assert "changed after approval: sha256" in delivery.last_error
    assert transport.sent == []


def test_missing_email_file_is_not_sent(
    services: Services, transport: MemoryTransport, queued: int
) -> None:
    """A document deleted after approval fails the delivery instead of crashing the worker."""
    (services.settings.documents_dir / _document(services, queued, "email").path).unlink()
    services.worker().drain_sync()
    assert [d.state for d in _deliveries(services)] == ["failed"]
    assert transport.sent == []


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_document_edited_after_approval_refuses_the_letter(
    services: Services, transport: MemoryTransport, queued: int, fmt: str
) -> None:
    """An approved PDF (or DOCX) edited on disk fails the delivery, naming the file and both
    hashes, even though the email carries its own copy; nothing is sent."""
    document = _document(services, queued, fmt)
    path = services.settings.documents_dir / document.path
    path.write_bytes(path.read_bytes() + b"\n% edited\n")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    services.worker().drain_sync()
    (delivery,) = _deliveries(services)
    assert delivery.state == "failed"
    assert delivery.last_error == (
        f"refused: {document.path} changed after approval: "
        f"sha256 {actual} is not the approved {document.sha256}"
    )
    assert transport.sent == []


def test_document_without_approval_refuses_the_letter(
    services: Services, transport: MemoryTransport, queued: int
) -> None:
    """A PDF whose approval row is gone (or never existed) fails the delivery; nothing is sent."""
    pdf = _document(services, queued, "pdf")
    with services.db.unit_of_work() as uow:
        uow.execute(delete(Approval).where(Approval.document_id == pdf.id))
    services.worker().drain_sync()
    (delivery,) = _deliveries(services)
    assert (delivery.state, delivery.last_error) == (
        "failed",
        f"refused: no approval for the bytes of {pdf.path}",
    )
    assert transport.sent == []


def test_unedited_letter_is_sent_once(
    services: Services, transport: MemoryTransport, queued: int
) -> None:
    """The control case: untouched approved bytes are delivered, exactly as stored."""
    services.worker().drain_sync()
    (envelope,) = transport.sent
    email = _document(services, queued, "email")
    assert hashlib.sha256(envelope.content).hexdigest() == email.sha256
    assert [d.state for d in _deliveries(services)] == ["sent"]


def test_audit_records_render_with_hashes(services: Services, batch: Batch) -> None:
    """Each render entry names the letter and the sha256 of its PDF and email."""
    letter_id = batch.letters[UKRAINE]
    (entry,) = [e for e in _audit(services) if e.subject == f"letter:{letter_id}"]
    assert entry.action == "letter.render"
    assert entry.details["sha256"] == {
        fmt: _document(services, letter_id, fmt).sha256 for fmt in ("pdf", "docx", "email")
    }


def test_audit_records_approval_with_hashes(services: Services, queued: int) -> None:
    """The approval entry names the reviewer and the hashes approved."""
    (entry,) = [e for e in _audit(services) if e.action == "letter.approved"]
    assert (entry.actor, entry.subject) == ("reviewer", f"letter:{queued}")
    assert entry.details["sha256"]["email"] == _document(services, queued, "email").sha256


def test_audit_records_delivery_with_the_hash_sent(services: Services, queued: int) -> None:
    """The delivery entry carries the sha256 of the bytes handed to the transport."""
    services.worker().drain_sync()
    (entry,) = [e for e in _audit(services) if e.action == "delivery.sent"]
    assert entry.details["sha256"] == _document(services, queued, "email").sha256
    assert entry.details["recipient"] == "mfa@ukraine-mfa.example"


def test_audit_records_a_refused_delivery_with_its_reason(services: Services, queued: int) -> None:
    """A refusal is logged as delivery.failed with the reason, for the staff to see."""
    path = services.settings.documents_dir / _document(services, queued, "email").path
    path.write_bytes(path.read_bytes() + b"\r\n")
    services.worker().drain_sync()
    (entry,) = [e for e in _audit(services) if e.action == "delivery.failed"]
    assert "changed after approval" in entry.details["error"]
