"""The Maildir transport: the default without SMTP; letters are written to disk, not sent."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

import bootstrap
from campaigns.store import get_campaign
from responses.report import response_report
from review.queue import current_documents
from settings import Settings
from tests.delivery.steps import deliveries, queued_batch
from tests.helpers import CAMPAIGN
from timeutil import FixedClock


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[bootstrap.Services]:
    """Services from the composition root with no SMTP URL, hence the Maildir outbox."""
    built = bootstrap.build(settings, clock=clock)
    built.migrate()
    yield built
    built.close()


def written(s: bootstrap.Services) -> dict[str, bytes]:
    """The outbox's new/ messages, by the delivery id in their trace header."""
    box = mailbox.Maildir(s.settings.outbox_dir, create=False)
    found = {}
    for key in box.iterkeys():
        content = box.get_bytes(key)
        found[str(message_from_bytes(content)["X-Advocacy-Delivery"])] = content
    assert len(found) == len(list((s.settings.outbox_dir / "new").iterdir()))
    return found


def test_composition_root_picks_maildir_without_smtp(services: bootstrap.Services) -> None:
    """Without ADVOCACY_SMTP_URL the transport is the Maildir outbox, ending in 'written'."""
    assert (services.transport.name, services.transport.final_state) == ("maildir", "written")


def test_every_letter_is_written_not_sent(services: bootstrap.Services) -> None:
    """Draining writes each letter and marks its delivery 'written', never 'sent'."""
    queued_batch(services)
    assert services.worker().drain_sync().done == {"written": 7}
    assert {row.state for row in deliveries(services)} == {"written"}


def test_message_lands_in_new_with_its_trace_headers(services: bootstrap.Services) -> None:
    """Each delivery is one file in new/, with the VERP Return-Path and its delivery id."""
    queued_batch(services)
    services.worker().drain_sync()
    files = written(services)
    for row in deliveries(services):
        message = message_from_bytes(files[str(row.id)], policy=default)
        assert message["Return-Path"] == f"<{services.identities.bounce_address(row.id)}>"
        assert message["Message-ID"] == row.message_id


def test_written_message_parses_back_with_the_approved_pdf(services: bootstrap.Services) -> None:
    """The file parses back as the letter, with the approved PDF attached unchanged."""
    queued_batch(services)
    services.worker().drain_sync()
    files = written(services)
    for row in deliveries(services):
        with services.db.unit_of_work(write=False) as uow:
            pdf = current_documents(uow, row.letter_id)["pdf"]
        message = message_from_bytes(files[str(row.id)], policy=default)
        assert isinstance(message, EmailMessage)
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content() == (services.settings.documents_dir / pdf.path).read_bytes()


def test_report_says_written_to_outbox(services: bootstrap.Services) -> None:
    """The response report calls a Maildir delivery 'written to outbox', not 'sent'."""
    queued_batch(services)
    services.worker().drain_sync()
    with services.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow, get_campaign(uow, CAMPAIGN), working_days=services.settings.answer_deadlines
        )
    emailed = [row for row in rows if row.addressee_key != "european-parliament"]
    assert {row.delivery for row in emailed} == {"written to outbox"}
