"""Claimed batches: outcomes are fenced by the claim, and a lease that ran out before a row's
turn means this worker does not send it (it is claimed again and sent once)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import timedelta

from bootstrap import Services
from delivery.claims import claim_due
from delivery.envelope import DeliveryResult, Envelope
from delivery.finish import Outcome, finish_batch
from delivery.memory import MemoryTransport
from tests.delivery.steps import deliveries, queued_batch
from timeutil import FixedClock

LEASE = timedelta(minutes=5)


def test_outcome_of_a_lost_claim_is_not_recorded(services: Services, clock: FixedClock) -> None:
    """A worker whose lease expired and whose row another worker claimed writes nothing."""
    queued_batch(services)
    [first] = claim_due(services.db, limit=1, now=clock.now(), lease=LEASE)
    clock.advance(LEASE + timedelta(seconds=1))
    assert claim_due(services.db, limit=1, now=clock.now(), lease=LEASE) == [first]
    with services.db.unit_of_work() as uow:
        late = finish_batch(uow, [Outcome(first, 1, "sent")], clock=clock, transport="memory")
    assert late == {}
    row = deliveries(services)[0]
    assert (row.id, row.state, row.attempts) == (first, "sending", 2)
    with services.db.unit_of_work() as uow:
        current = finish_batch(uow, [Outcome(first, 2, "sent")], clock=clock, transport="memory")
    assert current == {first: "sent"}


@dataclass
class SlowTransport(MemoryTransport):
    """The first send takes longer than a lease (the clock moves on by a lease and a second)."""

    clock: FixedClock | None = None

    async def send(self, envelope: Envelope) -> DeliveryResult:
        assert self.clock is not None
        if not self.sent:
            self.clock.advance(LEASE + timedelta(seconds=1))
        return await super().send(envelope)


def test_row_whose_lease_ran_out_waiting_is_not_sent_on_that_claim(
    services: Services, clock: FixedClock
) -> None:
    """Rows whose lease lapsed behind a slow send stay unsent and unrecorded; the next claim
    takes them again and every row goes out exactly once."""
    queued_batch(services)
    slow = SlowTransport(clock=clock)
    worker = replace(services.worker(), transport=slow, concurrency=1, batch_size=3, lease=LEASE)
    first = asyncio.run(worker.drain(limit=3))  # one claim of three rows, no claim ahead
    assert first.done == {"sent": 1}
    rows = deliveries(services)
    assert [r.state for r in rows[:3]] == ["sent", "sending", "sending"]
    assert worker.drain_sync().done == {"sent": len(rows) - 1}
    rows = deliveries(services)
    assert sorted(e.delivery_id for e in slow.sent) == [r.id for r in rows]
    assert {r.state for r in rows} == {"sent"}
    assert [r.attempts for r in rows[:4]] == [1, 2, 2, 1]


@dataclass
class HeldTransport(MemoryTransport):
    """Holds the send to ``held`` until ``release`` is set; every other send is instant."""

    held: str = ""
    release: asyncio.Event | None = None

    async def send(self, envelope: Envelope) -> DeliveryResult:
        if envelope.recipients[0] == self.held and self.release is not None:
            await self.release.wait()
        return await super().send(envelope)


def test_outcomes_are_recorded_while_a_slow_send_of_the_batch_goes_on(
    services: Services,
) -> None:
    """A batch's finished sends are committed within ``record_within`` seconds, not only when
    its slowest send ends (a row sent but unrecorded would look abandoned once its lease ran
    out, and be sent again)."""
    queued_batch(services)
    rows = deliveries(services)
    held = HeldTransport(held=rows[0].recipient)
    worker = replace(services.worker(), transport=held, concurrency=8, record_within=0.05)

    async def scenario() -> list[str]:
        held.release = asyncio.Event()
        drain = asyncio.create_task(worker.drain())
        for _ in range(400):  # up to 20 s on a loaded machine
            states = [r.state for r in await asyncio.to_thread(deliveries, services)]
            if states.count("sent") == len(rows) - 1:
                break
            await asyncio.sleep(0.05)
        held.release.set()
        await drain
        return states

    states = asyncio.run(scenario())
    assert states == ["sending"] + ["sent"] * (len(rows) - 1)
    assert {r.state for r in deliveries(services)} == {"sent"}
