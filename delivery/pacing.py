"""Per-domain limits for outgoing mail: at most N sends in flight and R sends started per minute.

Rule: government mail systems flag floods, so every send to a domain passes ``DomainLimits.slot``
first. Pacing uses the monotonic clock of this process (real seconds between SMTP
transactions), not the injected domain ``Clock``, which a test may freeze.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class _Domain:
    gate: asyncio.Semaphore
    next_start: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class DomainLimits:
    """``concurrency`` sends at once per domain; ``per_minute`` starts per domain (0: no cap)."""

    concurrency: int = 2
    per_minute: float = 0.0
    _domains: dict[str, _Domain] = field(default_factory=dict)

    def _domain(self, name: str) -> _Domain:
        if name not in self._domains:
            self._domains[name] = _Domain(asyncio.Semaphore(self.concurrency))
        return self._domains[name]

    async def _pace(self, domain: _Domain) -> None:
        if self.per_minute <= 0:
            return
        async with domain.lock:
            now = time.monotonic()
            start = max(now, domain.next_start)
            domain.next_start = start + 60.0 / self.per_minute
        await asyncio.sleep(start - now)

    @asynccontextmanager
    async def slot(self, recipient: str) -> AsyncIterator[None]:
        """Hold one of the recipient domain's slots, started no sooner than its rate allows."""
        domain = self._domain(recipient.rpartition("@")[2].lower())
        async with domain.gate:
            await self._pace(domain)
            yield
