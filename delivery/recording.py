"""Group commit of send outcomes: one transaction for many rows, without letting any wait long.

Rule: an outcome is committed when ``size`` outcomes are waiting (a claimed batch's worth), when
the oldest has waited ``linger`` seconds, or when the drain ends — whichever comes first. The
linger bound matters: a row sent but not yet recorded is still ``sending`` under its lease, and
if that lease ran out first another worker would send it again; ``linger`` is kept far below
the lease. Until its commit an outcome lives only in memory, so a crash leaves the row
``sending``: its lease expires and it is claimed again with the same Message-ID.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from delivery.finish import Outcome


class GroupRecorder:
    """Collects outcomes from concurrent sends; ``run`` writes them in groups until closed."""

    def __init__(
        self, write: Callable[[list[Outcome]], Awaitable[None]], *, size: int, linger: float
    ) -> None:
        self.write, self.size, self.linger = write, size, linger
        self.pending: list[Outcome] = []
        self.closed = False
        self._arrived = asyncio.Event()

    def add(self, outcome: Outcome) -> None:
        self.pending.append(outcome)
        self._arrived.set()

    def close(self) -> None:
        """No more outcomes will come: write what is waiting, then ``run`` returns."""
        self.closed = True
        self._arrived.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pending or not self.closed:
            if not self.pending:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            deadline = loop.time() + self.linger
            while len(self.pending) < self.size and not self.closed:
                self._arrived.clear()
                left = deadline - loop.time()
                if left <= 0:
                    break
                try:
                    async with asyncio.timeout(left):
                        await self._arrived.wait()
                except TimeoutError:
                    break
            group, self.pending = self.pending, []
            await self.write(group)
