"""The whole path, through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.memory import MemoryTransport
from delivery.outbox import enqueue
from responses.report import response_report
from review import queue
from tests.helpers import CAMPAIGN, load_examples, reach_milestone, render


def test_approved_letters_reach_the_transport(
    services: Services, transport: MemoryTransport
) -> None:
    """A milestone batch, once rendered and approved, is delivered once per addressee email."""
    load_examples(services)
    batch_id = reach_milestone(services)
    assert render(services, batch_id).rendered == 8
    with services.db.unit_of_work() as uow:
        services.approvals.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r")
        report = enqueue(uow, get_campaign(uow, CAMPAIGN), actor="t", clock=services.clock)
    assert report.no_channel == ["european-parliament"]
    outcome = services.worker().drain_sync()
    assert outcome.done == {"sent": 7}
    recipients = sorted(e.recipients[0] for e in transport.sent)
    assert "correspondence@fcdo.example" in recipients
    assert len(recipients) == 7
    message = message_from_bytes(transport.sent[0].content, policy=default)
    assert message.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in message.iter_attachments()] == ["application/pdf"]
    with services.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow, get_campaign(uow, CAMPAIGN), working_days=services.settings.answer_deadlines
        )
    assert {r.status for r in rows} == {"awaiting", "not delivered"}


def test_same_count_twice_creates_one_batch(services: Services) -> None:
    """Re-running the milestone step is a no-op: one batch, one set of letters."""
    load_examples(services)
    reach_milestone(services)
    from campaigns.signatures import set_count

    with services.db.unit_of_work() as uow:
        again = set_count(
            uow,
            CAMPAIGN,
            15_240,
            as_of=None,
            source="t",
            identities=services.identities,
            actor="t",
            clock=services.clock,
            policy=services.missed_policy,
        )
    assert again.batch is None
