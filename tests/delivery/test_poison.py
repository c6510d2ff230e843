"""Poison rows: a send that raises fails only its own row; a row that keeps killing its worker
is held for staff; held rows and rows whose lease expired can be retried or cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bootstrap import Services
from delivery.claims import claim_due
from delivery.envelope import DeliveryResult, Envelope
from delivery.intervene import cancel, retry_now
from delivery.memory import MemoryTransport
from errors import Conflict
from storage.tables import AuditEntry
from tests.delivery.builders import email_rows
from tests.delivery.steps import deliveries
from timeutil import FixedClock

LEASE = timedelta(minutes=5)
DESKS = ["a@mfa-one.example", "b@mfa-two.example", "c@mfa-three.example"]


def raise_for_b(envelope: Envelope) -> DeliveryResult:
    if envelope.recipients[0].startswith("b@"):
        raise UnicodeEncodeError("ascii", "münchen", 1, 2, "ordinal not in range(128)")
    return DeliveryResult()


def test_a_raising_send_fails_only_its_row(services: Services, transport: MemoryTransport) -> None:
    """The exception is recorded on its row (class and message) and the other rows are sent."""
    transport.handler = raise_for_b
    email_rows(services, DESKS)
    assert services.worker().drain_sync().done == {"sent": 2, "failed": 1}
    [bad] = [r for r in deliveries(services) if r.recipient.startswith("b@")]
    assert bad.state == "failed"
    assert "raised UnicodeEncodeError: 'ascii' codec can't encode" in bad.last_error
    assert {e.recipients[0] for e in transport.sent} == {DESKS[0], DESKS[2]}


def claim_and_die(s: Services, clock: FixedClock, times: int) -> list[int]:
    """Claim every due row ``times`` times, each time letting the lease run out (a worker
    that dies mid-send); return the last claim's ids."""
    ids: list[int] = []
    for _ in range(times):
        ids = claim_due(s.db, limit=10, now=clock.now(), lease=LEASE, max_claims=3)
        clock.advance(LEASE + timedelta(seconds=1))
    return ids


def test_a_row_claimed_max_claims_times_without_outcome_is_held(
    services: Services, clock: FixedClock
) -> None:
    """After three claims that each died, the fourth holds the row instead of claiming it."""
    email_rows(services, DESKS[:1])
    assert claim_and_die(services, clock, 3) != []
    assert claim_and_die(services, clock, 1) == []
    [row] = deliveries(services)
    assert (row.state, row.attempts, row.lease_until) == ("held", 3, None)
    assert row.last_error.startswith("held: claimed 3 times without an outcome")
    with services.db.unit_of_work(write=False) as uow:
        actions = list(uow.scalars(select(AuditEntry.action)))
    assert "delivery.held" in actions


def test_an_outcome_settles_the_claims(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """A row that fails temporarily twice after crashes is not held: each outcome settles it."""
    transport.fail_temporarily = {DESKS[0]}
    email_rows(services, DESKS[:1])
    for _ in range(3):
        claim_and_die(services, clock, 2)
        services.worker().drain_sync()
        clock.current = deliveries(services)[0].next_attempt_at
    assert deliveries(services)[0].state == "retry_wait"


def test_the_worker_reports_held_and_leased_rows(services: Services, clock: FixedClock) -> None:
    """A starting worker counts held rows, running leases and expired ones."""
    email_rows(services, DESKS)
    claim_and_die(services, clock, 4)  # every row held
    assert services.worker().status().held == 3
    assert "3 held for staff" in services.worker().status().describe()


def test_held_rows_can_be_retried_and_then_sent(
    services: Services, transport: MemoryTransport, clock: FixedClock
) -> None:
    """`retry` puts a held row back in the queue with its claims forgotten; the worker sends it."""
    [delivery_id] = email_rows(services, DESKS[:1])
    claim_and_die(services, clock, 4)
    with services.db.unit_of_work() as uow:
        retry_now(uow, delivery_id, actor="staff", clock=clock, reason="fixed the transport")
    assert services.worker().drain_sync().done == {"sent": 1}
    assert deliveries(services)[0].unsettled_claims == 0


def test_held_rows_can_be_cancelled(services: Services, clock: FixedClock) -> None:
    """`cancel` stops a held row."""
    [delivery_id] = email_rows(services, DESKS[:1])
    claim_and_die(services, clock, 4)
    with services.db.unit_of_work() as uow:
        cancel(uow, delivery_id, actor="staff", clock=clock, reason="address abandoned")
    assert deliveries(services)[0].state == "cancelled"


def test_a_row_whose_lease_expired_can_be_cancelled(services: Services, clock: FixedClock) -> None:
    """A sending row whose worker died (lease over) belongs to no one: staff may cancel it."""
    [delivery_id] = email_rows(services, DESKS[:1])
    claim_and_die(services, clock, 1)
    with services.db.unit_of_work() as uow:
        cancel(uow, delivery_id, actor="staff", clock=clock, reason="sent by hand meanwhile")
    assert deliveries(services)[0].state == "cancelled"


def test_a_row_under_a_running_lease_is_refused(services: Services, clock: FixedClock) -> None:
    """While its worker's lease runs, a sending row can be neither cancelled nor retried."""
    [delivery_id] = email_rows(services, DESKS[:1])
    claim_due(services.db, limit=10, now=clock.now(), lease=LEASE)
    for action in (cancel, retry_now):
        with (
            pytest.raises(Conflict, match="a worker holds it until"),
            services.db.unit_of_work() as uow,
        ):
            action(uow, delivery_id, actor="staff", clock=clock, reason="")
    assert deliveries(services)[0].state == "sending"
