"""Steps the review tests share: a small rendered batch, review decisions, enqueue, a new appeal
version, a second batch (re-rendering and a new count are in ``tests.helpers``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bootstrap import Services
from campaigns.appeal import Appeal, load_appeal
from campaigns.batches import create_batch
from campaigns.store import get_campaign, update_campaign
from delivery.outbox import EnqueueReport, enqueue
from storage.tables import Addressee, Letter
from tests.documents import stand_in_render
from tests.helpers import APPEAL, CAMPAIGN, load_examples, reach_milestone

# One English and one Russian letter keep each test fast on both databases.
KEYS = ("mfa-ukraine", "uk-fcdo")


@dataclass(frozen=True)
class Batch:
    id: int
    letters: dict[str, int]  # addressee key → letter id


def small_appeal() -> Appeal:
    data = load_appeal(APPEAL).model_dump()
    data["targets"] = {"keys": list(KEYS)}
    return Appeal.model_validate(data)


def rendered(s: Services, batch_id: int) -> Batch:
    """Render the batch for review (stand-in PDFs: ``tests.documents``); the batch with its
    letter ids by addressee."""
    stand_in_render(s, batch_id)
    with s.db.unit_of_work(write=False) as uow:
        rows = uow.execute(
            select(Addressee.key, Letter.id)
            .join(Letter, Letter.addressee_id == Addressee.id)
            .where(Letter.batch_id == batch_id)
        ).all()
    return Batch(batch_id, dict(rows))


def rendered_batch(services: Services) -> Batch:
    """The example registry, a two-addressee campaign past its milestone, rendered for review."""
    load_examples(services, small_appeal())
    return rendered(services, reach_milestone(services))


def approve(s: Services, *letter_ids: int) -> None:
    with s.db.unit_of_work() as uow:
        s.approvals.approve(uow, letter_ids, reviewer="reviewer")


def enqueue_campaign(s: Services) -> EnqueueReport:
    with s.db.unit_of_work() as uow:
        return enqueue(uow, get_campaign(uow, CAMPAIGN), actor="test", clock=s.clock)


def update_appeal(s: Services, *, demand: str) -> None:
    """Store a new version of the small appeal whose last English demand reads ``demand``."""
    data = small_appeal().model_dump()
    data["texts"]["en"]["demands"][-1] = demand
    with s.db.unit_of_work() as uow:
        update_campaign(uow, Appeal.model_validate(data), actor="test", clock=s.clock)


def next_batch(s: Services, *, created_by: str = "test") -> Batch:
    """A second batch of the campaign made by hand at the current count, rendered for review."""
    with s.db.unit_of_work() as uow:
        batch = create_batch(
            uow,
            get_campaign(uow, CAMPAIGN),
            reason="by hand",
            identities=s.identities,
            actor=created_by,
            clock=s.clock,
        )
        batch_id = batch.id
    return rendered(s, batch_id)
