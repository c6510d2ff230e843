"""enqueue: approved letters go into the outbox once, with the Message-ID fixed at render."""

from __future__ import annotations

from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from recipients.checks import clear_check
from review import queue
from storage.tables import Addressee, ChannelCheck, Letter
from tests.delivery.steps import approve_and_enqueue, deliveries
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, load_examples, reach_milestone


def rendered_batch(s: Services) -> int:
    load_examples(s)
    batch_id = reach_milestone(s)
    stand_in_render(s, batch_id)
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


def _flag(s: Services, key: str) -> None:
    """An open check on the addressee's email, as a permanent bounce leaves it."""
    with s.db.unit_of_work() as uow:
        addressee = uow.scalars(select(Addressee).where(Addressee.key == key)).one()
        uow.add(
            ChannelCheck(
                addressee_id=addressee.id,
                channel="email",
                reason="550 no such user",
                flagged_at=s.clock.now(),
            )
        )


def test_a_bounced_email_is_not_used_again_until_staff_clear_it(services: Services) -> None:
    """The flagged address gets nothing new; once staff clear the check, it is used again."""
    batch_id = rendered_batch(services)
    _flag(services, "european-commission")
    report = approve_and_enqueue(services, batch_id)
    assert report.flagged == ["european-commission: email"]
    assert "european-commission" in report.no_channel
    assert "european-commission" not in report.queued
    with services.db.unit_of_work() as uow:
        clear_check(uow, "european-commission", actor="staff", clock=services.clock)
    assert enqueue_again(services) == ["european-commission"]


def test_a_flagged_email_falls_back_to_post(services: Services) -> None:
    """With every channel allowed, a flagged email gives way to the postal address."""
    batch_id = rendered_batch(services)
    _flag(services, "european-commission")
    with services.db.unit_of_work() as uow:
        services.approvals.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r")
        campaign = get_campaign(uow, CAMPAIGN)
        report = enqueue(uow, campaign, actor="test", clock=services.clock, channels=CHANNELS)
    assert report.flagged == ["european-commission: email"]
    rows = {row.recipient: row.channel for row in deliveries(services)}
    assert "president@commission.example" not in rows
    assert "postal" in rows.values()
