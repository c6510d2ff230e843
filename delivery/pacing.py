"""Per-domain limits for outgoing mail: at most N sends in flight and R sends started per minute.

Rule: government mail systems flag floods, so every send to a domain passes ``DomainLimits.slot``
first. Pacing uses the monotonic clock of this process (real seconds between SMTP
transactions), not the injected domain ``Clock``, which a test may freeze.

The limits outlive an event loop: each worker pass (``Worker.drain_sync``) runs its own loop,
and asyncio's semaphores and locks belong to the loop that first waited on them (the next
pass's wait raised "bound to a different event loop", ending the serve worker's thread). So the
gates are made per running loop, while each domain's pacing (its next start) carries over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary


@dataclass
class _Domain:
    gate: asyncio.Semaphore
    lock: asyncio.Lock
    pace: _Pace


@dataclass
class _Pace:
    next_start: float = 0.0


@dataclass
class DomainLimits:
    """``concurrency`` sends at once per domain; ``per_minute`` starts per domain (0: no cap)."""

    concurrency: int = 2
    per_minute: float = 0.0
    _paces: dict[str, _Pace] = field(default_factory=dict)
    _loops: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Domain]] = field(
        default_factory=WeakKeyDictionary
    )

    def _domain(self, name: str) -> _Domain:
        domains = self._loops.setdefault(asyncio.get_running_loop(), {})
        if name not in domains:
            pace = self._paces.setdefault(name, _Pace())
            domains[name] = _Domain(asyncio.Semaphore(self.concurrency), asyncio.Lock(), pace)
        return domains[name]

    async def _pace(self, domain: _Domain) -> None:
        if self.per_minute <= 0:
            return
        async with domain.lock:
            now = time.monotonic()
            start = max(now, domain.pace.next_start)
            domain.pace.next_start = start + 60.0 / self.per_minute
        await asyncio.sleep(start - now)

    @asynccontextmanager
    async def slot(self, recipient: str) -> AsyncIterator[None]:
        """Hold one of the recipient domain's slots, started no sooner than its rate allows."""
        domain = self._domain(recipient.rpartition("@")[2].lower())
        async with domain.gate:
            await self._pace(domain)
            yield
