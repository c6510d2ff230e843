"""The outbox worker: backoff until the retry horizon, giving up with the history, refusing
unapproved bytes."""

from __future__ import annotations

from datetime import timedelta

from bootstrap import Services
from delivery.memory import MemoryTransport
from delivery.retry import RetryPolicy
from review.queue import current_documents
from storage.tables import Delivery
from tests.delivery.steps import deliveries, queued_batch
from timeutil import FixedClock

FCDO = "correspondence@fcdo.example"


def fcdo(s: Services) -> Delivery:
    [row] = [row for row in deliveries(s) if row.recipient == FCDO]
    return row


def fail_until_given_up(s: Services, clock: FixedClock) -> list[timedelta]:
    """Drain, then keep retrying the failing row when it is due; return each wait chosen."""
    worker = s.worker()
    worker.drain_sync()
    waits = []
    while (row := fcdo(s)).state == "retry_wait":
        waits.append(row.next_attempt_at - clock.now())
        clock.current = row.next_attempt_at
        worker.drain_sync()
    return waits


def test_temporary_failures_back_off_longer_each_time(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """Each wait is about twice the one before (± jitter) until the cap, never past the horizon."""
    transport.fail_temporarily = {FCDO}
    queued_batch(services)
    waits = fail_until_given_up(services, clock)
    policy = RetryPolicy()
    assert timedelta(minutes=4) <= waits[0] <= timedelta(minutes=6)
    assert waits[3] > waits[1] > waits[0]
    assert max(waits) <= policy.cap * (1 + policy.jitter)
    assert sum(waits, timedelta()) == policy.horizon


def test_gives_up_at_the_horizon_with_the_whole_history(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """Temporary failures go on for 120 h from the first try; then failed, every attempt listed."""
    transport.fail_temporarily = {FCDO}
    queued_batch(services)
    start = clock.now()
    fail_until_given_up(services, clock)
    row = fcdo(services)
    assert row.state == "failed"
    assert clock.now() - start == timedelta(hours=120)
    assert row.attempts > 20
    assert row.last_error.startswith(f"gave up after 120 h and {row.attempts} attempts:")
    assert row.last_error.count("451 rehearsed temporary failure") == row.attempts
    assert row.finished_at == clock.now()


def test_permanent_failure_is_not_retried(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """A permanent failure ends the delivery at the first attempt."""
    transport.fail_permanently = {FCDO}
    queued_batch(services)
    assert services.worker().drain_sync().done == {"sent": 6, "failed": 1}
    clock.advance(timedelta(days=2))
    assert services.worker().drain_sync().done == {}
    assert (fcdo(services).attempts, fcdo(services).state) == (1, "failed")


def test_success_records_the_transport_and_time(services: Services, clock: FixedClock) -> None:
    """A delivered row is sent, unleased, stamped with the transport name and finish time."""
    queued_batch(services)
    services.worker().drain_sync()
    row = fcdo(services)
    assert (row.state, row.transport, row.lease_until) == ("sent", "memory", None)
    assert row.finished_at == clock.now()


def test_bytes_changed_after_approval_are_refused(
    services: Services, transport: MemoryTransport
) -> None:
    """An email whose file changed after approval is never sent; the delivery fails."""
    queued_batch(services)
    row = fcdo(services)
    with services.db.unit_of_work(write=False) as uow:
        email = current_documents(uow, row.letter_id)["email"]
    path = services.settings.documents_dir / email.path
    path.write_bytes(b"X-Edited: after review\r\n" + path.read_bytes())
    assert services.worker().drain_sync().done == {"sent": 6, "failed": 1}
    assert FCDO not in {e.recipients[0] for e in transport.sent}
    assert "changed after approval" in fcdo(services).last_error
