"""Postal print batches and web-form tasks: only approved bytes, sent only when staff say so."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from delivery.postal import form_task, mark_done, mark_posted, print_batch
from errors import Conflict, IntegrityRefused
from review import queue
from storage.tables import Addressee, Delivery, Document
from tests.delivery.steps import deliveries
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, load_examples, reach_milestone, render

PARLIAMENT = "european-parliament"  # the example addressee with a postal address and no email


def queued_all_channels(s: Services, *, web_form: str = "") -> int:
    """The example batch approved and queued on every channel; optionally the Parliament
    reachable only through a web form."""
    load_examples(s)
    if web_form:
        with s.db.unit_of_work() as uow:
            parliament = uow.scalars(select(Addressee).where(Addressee.key == PARLIAMENT)).one()
            parliament.postal_address, parliament.web_form = "", web_form
    batch_id = reach_milestone(s)
    if web_form:  # the form task's text is read back from the letter's PDF: render it for real
        render(s, batch_id)
    else:
        stand_in_render(s, batch_id)
    with s.db.unit_of_work() as uow:
        s.approvals.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r")
        enqueue(uow, get_campaign(uow, CAMPAIGN), actor="t", clock=s.clock, channels=CHANNELS)
    return batch_id


def only(s: Services, channel: str) -> Delivery:
    [row] = [row for row in deliveries(s) if row.channel == channel]
    return row


def printed(s: Services, batch_id: int) -> tuple[list[int], PdfReader, list[dict[str, str]]]:
    with s.db.unit_of_work() as uow:
        made = print_batch(
            uow,
            batch_id,
            documents_dir=s.settings.documents_dir,
            out_dir=s.settings.data_dir / "print",
            actor="t",
            clock=s.clock,
        )
    with made.manifest.open(encoding="utf-8") as handle:
        return made.delivery_ids, PdfReader(made.pdf), list(csv.DictReader(handle))


def test_addressee_without_email_gets_a_postal_delivery(services: Services) -> None:
    """The Parliament (post only) is queued on the postal channel; the worker leaves it alone."""
    queued_all_channels(services)
    assert only(services, "postal").state == "queued"
    assert services.worker().drain_sync().done == {"sent": 7}
    assert only(services, "postal").state == "queued"


def test_print_batch_merges_the_approved_pdfs_with_a_manifest(services: Services) -> None:
    """The merged PDF holds the approved letter's pages; the manifest names page and address."""
    batch_id = queued_all_channels(services)
    ids, merged, manifest = printed(services, batch_id)
    row = only(services, "postal")
    assert ids == [row.id]
    assert row.state == "printed"
    approved = PdfReader(services.settings.documents_dir / services_document(services, row).path)
    assert len(merged.pages) >= len(approved.pages)
    assert merged.pages[0].extract_text() == approved.pages[0].extract_text()
    assert manifest[0]["addressee"] == PARLIAMENT
    assert (manifest[0]["first_page"], manifest[0]["delivery"]) == ("1", str(row.id))
    with services.db.unit_of_work(write=False) as uow:
        address = uow.scalars(select(Addressee.postal_address).where(Addressee.key == PARLIAMENT))
        lines = [line.strip() for line in address.one().splitlines()]
    assert manifest[0]["postal_address"] == " / ".join(lines)


def services_document(s: Services, row: Delivery) -> Document:
    with s.db.unit_of_work(write=False) as uow:
        return uow.get_one(Document, row.document_id)


def test_print_batch_refuses_changed_bytes(services: Services) -> None:
    """A letter PDF changed after approval keeps the whole print batch from being written."""
    batch_id = queued_all_channels(services)
    path = (
        services.settings.documents_dir / services_document(services, only(services, "postal")).path
    )
    path.write_bytes(path.read_bytes() + b"\n%tampered")
    with pytest.raises(IntegrityRefused, match="changed after approval"):
        printed(services, batch_id)
    assert only(services, "postal").state == "queued"


def test_posted_marks_sent_with_date_and_tracking(services: Services) -> None:
    """Marking a printed letter posted makes it sent on that date, keeping the tracking number."""
    batch_id = queued_all_channels(services)
    printed(services, batch_id)
    row = only(services, "postal")
    with services.db.unit_of_work() as uow:
        mark_posted(
            uow,
            row.id,
            posted_on=date(2024, 3, 4),
            tracking="RR123456785BE",
            actor="t",
            clock=services.clock,
        )
    done = only(services, "postal")
    assert (done.state, done.reference) == ("sent", "RR123456785BE")
    assert done.finished_at is not None
    assert done.finished_at.date() == date(2024, 3, 4)


def test_posted_before_printing_is_refused(services: Services) -> None:
    """A postal letter not yet in a print batch cannot be marked posted."""
    queued_all_channels(services)
    with services.db.unit_of_work() as uow, pytest.raises(Conflict):
        mark_posted(
            uow,
            only(services, "postal").id,
            posted_on=date(2024, 3, 4),
            tracking="",
            actor="t",
            clock=services.clock,
        )


def test_web_form_task_then_done(services: Services) -> None:
    """A web-form-only addressee gets a task with the form URL and text; done marks it sent."""
    queued_all_channels(services, web_form="https://www.europarl.example/contact")
    row = only(services, "manual")
    with services.db.unit_of_work(write=False) as uow:
        task = form_task(uow, row.id, documents_dir=services.settings.documents_dir)
    assert task.form_url == "https://www.europarl.example/contact"
    assert len(task.text) > 200
    with services.db.unit_of_work() as uow:
        mark_done(uow, row.id, receipt="#4711", actor="t", clock=services.clock)
    assert (only(services, "manual").state, only(services, "manual").reference) == ("sent", "#4711")
