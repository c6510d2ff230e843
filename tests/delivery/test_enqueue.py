"""enqueue: approved letters go into the outbox once, with the Message-ID fixed at render."""

from __future__ import annotations

from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import enqueue
from storage.tables import Letter
from tests.delivery.steps import approve_and_enqueue, deliveries
from tests.helpers import CAMPAIGN, load_examples, reach_milestone, render


def rendered_batch(s: Services) -> int:
    load_examples(s)
    batch_id = reach_milestone(s)
    render(s, batch_id)
    return batch_id


def enqueue_again(s: Services) -> list[str]:
    with s.db.unit_of_work() as uow:
        return enqueue(uow, get_campaign(uow, CAMPAIGN), actor="test", clock=s.clock).queued


def test_first_enqueue_queues_each_approved_email(services: Services) -> None:
    """Every approved letter with an email address gets one queued row."""
    report = approve_and_enqueue(services, rendered_batch(services))
    assert len(report.queued) == 7
    assert report.no_channel == ["european-parliament"]
    assert {row.state for row in deliveries(services)} == {"queued"}


def test_second_enqueue_queues_nothing(services: Services) -> None:
    """Enqueueing again is a no-op: nothing queued, the same rows as before."""
    approve_and_enqueue(services, rendered_batch(services))
    before = [(row.id, row.message_id) for row in deliveries(services)]
    assert enqueue_again(services) == []
    assert [(row.id, row.message_id) for row in deliveries(services)] == before


def test_letters_awaiting_review_are_not_queued(services: Services) -> None:
    """Nothing enters the outbox before a reviewer approves it."""
    rendered_batch(services)
    assert enqueue_again(services) == []
    assert deliveries(services) == []


def test_rows_carry_the_letters_message_id(services: Services) -> None:
    """Each row's Message-ID is its letter's, chosen before any attempt."""
    approve_and_enqueue(services, rendered_batch(services))
    with services.db.unit_of_work(write=False) as uow:
        message_ids = dict(uow.execute(select(Letter.id, Letter.message_id)).all())
    for row in deliveries(services):
        assert row.message_id == message_ids[row.letter_id]
        assert row.attempts == 0
