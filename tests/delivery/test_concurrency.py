"""Several workers on one outbox: each delivery is claimed, and sent, by exactly one of them."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from bootstrap import Services
from delivery.claims import claim_due
from delivery.memory import MemoryTransport
from settings import Settings
from storage.tables import Delivery
from tests.delivery.steps import deliveries, queued_batch

LEASE = timedelta(minutes=5)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """One row per claim, so concurrent workers interleave as much as they can."""
    return settings.model_copy(update={"worker_batch_size": 1})


def test_two_workers_never_send_the_same_delivery(
    services: Services, transport: MemoryTransport
) -> None:
    """Two workers draining at once send every delivery exactly once between them."""
    queued_batch(services)
    start = threading.Barrier(2)

    def drain() -> dict[str, int]:
        worker = services.worker()
        start.wait(timeout=10)
        return worker.drain_sync().done

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = [f.result(timeout=60) for f in [pool.submit(drain), pool.submit(drain)]]
    sent = sorted(envelope.delivery_id for envelope in transport.sent)
    assert sent == [row.id for row in deliveries(services)]
    assert sum(report.get("sent", 0) for report in reports) == 7
    assert {(row.state, row.attempts) for row in deliveries(services)} == {("sent", 1)}


def test_concurrent_claims_are_disjoint(services: Services) -> None:
    """Four threads claiming one row at a time never claim the same row twice."""
    queued_batch(services)
    start = threading.Barrier(4)

    def claim_all() -> list[int]:
        start.wait(timeout=10)
        mine: list[int] = []
        while ids := claim_due(services.db, limit=1, now=services.clock.now(), lease=LEASE):
            mine.extend(ids)
        return mine

    with ThreadPoolExecutor(max_workers=4) as pool:
        claimed = [i for f in [pool.submit(claim_all) for _ in range(4)] for i in f.result(60)]
    assert sorted(claimed) == [row.id for row in deliveries(services)]


def test_claim_skips_rows_locked_by_another_worker(services: Services) -> None:
    """On PostgreSQL a row locked by another transaction is skipped, not waited for."""
    if services.db.is_sqlite:
        pytest.skip("SQLite serialises claims with BEGIN IMMEDIATE; there are no row locks")
    queued_batch(services)
    ids = [row.id for row in deliveries(services)]
    # The claim runs in a thread so that a claim that waits for the lock fails the test instead
    # of hanging it: the lock is released when the holding transaction ends.
    with ThreadPoolExecutor(max_workers=1) as pool, services.db.unit_of_work() as other:
        other.execute(select(Delivery.id).where(Delivery.id == ids[0]).with_for_update())
        claim = pool.submit(
            claim_due, services.db, limit=100, now=services.clock.now(), lease=LEASE
        )
        claimed = claim.result(timeout=10)
    assert claimed == ids[1:]
