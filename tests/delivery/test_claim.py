"""claim_due: which outbox rows are due, and that each is handed to one worker at a time."""

from __future__ import annotations

from datetime import timedelta

from bootstrap import Services
from delivery.claims import claim_due
from delivery.memory import MemoryTransport
from tests.delivery.steps import deliveries, queued_batch
from timeutil import FixedClock

LEASE = timedelta(minutes=5)


def claim(s: Services, limit: int = 100) -> list[int]:
    return claim_due(s.db, limit=limit, now=s.clock.now(), lease=LEASE)


def test_queued_rows_are_claimed_with_a_lease(services: Services, clock: FixedClock) -> None:
    """Every queued row is claimed and becomes sending, leased until now + lease, attempt 1."""
    queued_batch(services)
    claimed = claim(services)
    rows = deliveries(services)
    assert sorted(claimed) == [row.id for row in rows]
    assert {(r.state, r.attempts, r.lease_until) for r in rows} == {
        ("sending", 1, clock.now() + LEASE)
    }


def test_second_claim_in_the_same_instant_gets_nothing(services: Services) -> None:
    """Rows already claimed and still leased are not claimed again."""
    queued_batch(services)
    assert claim(services)
    assert claim(services) == []


def test_claim_respects_the_limit_oldest_first(services: Services) -> None:
    """At most ``limit`` rows are claimed, in id order when all are due at the same moment."""
    queued_batch(services)
    ids = [row.id for row in deliveries(services)]
    assert claim(services, limit=3) == ids[:3]
    assert claim(services, limit=3) == ids[3:6]


def test_lease_is_held_until_it_has_passed(services: Services, clock: FixedClock) -> None:
    """A row whose lease ends exactly now is still held by its worker."""
    queued_batch(services)
    claim(services)
    clock.advance(LEASE)
    assert claim(services) == []


def test_expired_lease_is_claimed_again_with_the_same_message_id(
    services: Services, clock: FixedClock
) -> None:
    """A row whose worker died is claimed again: same Message-ID, one more attempt."""
    queued_batch(services)
    first = claim(services)
    before = {row.id: row.message_id for row in deliveries(services)}
    clock.advance(LEASE + timedelta(seconds=1))
    assert sorted(claim(services)) == sorted(first)
    rows = deliveries(services)
    assert {row.id: row.message_id for row in rows} == before
    assert {(row.state, row.attempts) for row in rows} == {("sending", 2)}


def test_retry_wait_is_not_claimed_before_its_next_attempt(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """A row waiting after a temporary failure stays put until next_attempt_at."""
    transport.fail_temporarily = {"correspondence@fcdo.example"}
    queued_batch(services)
    services.worker().drain_sync()
    [waiting] = [row for row in deliveries(services) if row.state == "retry_wait"]
    clock.current = waiting.next_attempt_at - timedelta(seconds=1)
    assert claim(services) == []


def test_retry_wait_is_claimed_once_its_next_attempt_comes(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """At next_attempt_at the waiting row is due again, and only that row."""
    transport.fail_temporarily = {"correspondence@fcdo.example"}
    queued_batch(services)
    services.worker().drain_sync()
    [waiting] = [row for row in deliveries(services) if row.state == "retry_wait"]
    clock.current = waiting.next_attempt_at
    assert claim(services) == [waiting.id]
