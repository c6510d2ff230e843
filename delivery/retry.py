"""When a temporary failure is tried again: exponential backoff with jitter, up to a horizon.

Rule: a delivery is retried for ``horizon`` from its first attempt (default 120 h, as mail
servers keep a queue for about five days: Postfix ``maximal_queue_lifetime``), never for a
fixed number of attempts; the last try falls on the horizon itself, and only a temporary
failure after it makes the row ``failed``. Jitter is seeded by (delivery, attempt), so a
rerun of the same history gives the same times and many rows failing together spread out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    first: timedelta = timedelta(minutes=5)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=6)
    horizon: timedelta = timedelta(hours=120)
    jitter: float = 0.2  # each wait is its nominal length ± 20 %

    def delay(self, delivery_id: int, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th attempt failed temporarily."""
        nominal = min(self.cap, self.first * self.factor ** max(attempts - 1, 0))
        spread = random.Random(f"{delivery_id}:{attempts}").uniform(-self.jitter, self.jitter)
        return nominal * (1 + spread)

    def next_attempt(
        self, delivery_id: int, attempts: int, *, first_attempt: datetime, now: datetime
    ) -> datetime | None:
        """When to try again, or None once the horizon has passed (the row fails)."""
        give_up = first_attempt + self.horizon
        if now >= give_up:
            return None
        return min(now + self.delay(delivery_id, attempts), give_up)
