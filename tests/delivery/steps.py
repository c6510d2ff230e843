"""Steps the delivery, response and SMTP tests share: approve a batch, enqueue it, read rows."""

from __future__ import annotations

from sqlalchemy import select

from bootstrap import Services
from campaigns.store import get_campaign
from delivery.outbox import EnqueueReport, enqueue
from review import queue
from storage.tables import Delivery
from tests.helpers import CAMPAIGN, load_examples, reach_milestone, render


def approve_and_enqueue(s: Services, batch_id: int) -> EnqueueReport:
    """Approve every letter of the batch awaiting review, then put the campaign in the outbox."""
    with s.db.unit_of_work() as uow:
        queue.approve(uow, queue.letters_in_review(uow, batch_id), reviewer="r", clock=s.clock)
        return enqueue(uow, get_campaign(uow, CAMPAIGN), actor="test", clock=s.clock)


def queued_batch(s: Services) -> int:
    """The whole path up to the outbox: examples loaded, milestone reached, rendered, queued."""
    load_examples(s)
    batch_id = reach_milestone(s)
    render(s, batch_id)
    approve_and_enqueue(s, batch_id)
    return batch_id


def deliveries(s: Services) -> list[Delivery]:
    """Every outbox row, oldest first."""
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Delivery).order_by(Delivery.id)))
