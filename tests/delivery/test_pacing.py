"""Per-domain limits across worker passes: each pass runs its own event loop."""

from __future__ import annotations

import asyncio
import time

from delivery.pacing import DomainLimits


async def _two_sends_at_once(limits: DomainLimits) -> None:
    """Two sends to one domain at once: with one slot, the second waits on the gate (which
    ties an asyncio semaphore to the running loop)."""

    async def send() -> None:
        async with limits.slot("desk@mfa.example"):
            await asyncio.sleep(0.01)

    await asyncio.gather(send(), send())


def test_limits_serve_one_pass_after_another() -> None:
    """A second pass (a new event loop, as ``Worker.drain_sync`` runs) waits on the same
    domain's gate without "bound to a different event loop"."""
    limits = DomainLimits(concurrency=1)
    asyncio.run(_two_sends_at_once(limits))
    asyncio.run(_two_sends_at_once(limits))  # raised RuntimeError before the fix


def test_pacing_carries_over_to_the_next_pass() -> None:
    """The rate is per domain, not per pass: a send in the next pass still waits its turn."""
    limits = DomainLimits(concurrency=1, per_minute=600)  # one start every 0.1 s

    async def one() -> None:
        async with limits.slot("desk@mfa.example"):
            pass

    asyncio.run(one())
    began = time.monotonic()
    asyncio.run(one())
    assert time.monotonic() - began >= 0.05
