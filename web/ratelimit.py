"""Login throttling: each failed login makes the next attempt for that account, and from that
client, wait a little longer; nothing is ever locked.

Rule: failures are counted per key (``email:<address>`` and ``client:<ip>``) within a window.
The first ``free`` failures cost nothing; after that the next attempt must wait 1 s, 2 s, 4 s …
after the latest failure, never more than ``max_delay``. An attempt made too early is refused
without checking the password and without adding a failure, so a stranger guessing at the
admin's email slows guessing to a crawl but cannot keep the admin out longer than
``max_delay``. The counts live in this process: one ``advocacy serve`` per database is the
design, and a restart only forgets a few delays.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import timedelta

from timeutil import Clock

MAX_KEYS = 10_000  # past this many remembered keys, forgotten ones are dropped


class LoginLimiter:
    """Counts failed logins per key; thread-safe (uvicorn may serve from several threads)."""

    def __init__(
        self, clock: Clock, *, attempts: int, window: timedelta, max_delay: timedelta
    ) -> None:
        self.clock, self.free, self.window, self.max_delay = clock, attempts, window, max_delay
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window.total_seconds():
            times.popleft()
        return times

    def delay_after(self, failures: int) -> float:
        """Seconds the next attempt waits after ``failures`` recent failures of one key."""
        if failures < self.free:
            return 0.0
        return float(min(2 ** min(failures - self.free, 30), self.max_delay.total_seconds()))

    def wait(self, *keys: str) -> float:
        """Seconds to wait before any of the keys may try again (0: try now)."""
        now = self.clock.now().timestamp()
        with self._lock:
            waits = [0.0]
            for key in keys:
                times = self._recent(key, now)
                if times:
                    waits.append(times[-1] + self.delay_after(len(times)) - now)
            return max(waits)

    def failed(self, *keys: str) -> None:
        now = self.clock.now().timestamp()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > MAX_KEYS:
                self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        """Drop keys with no failure inside the window, so guessing at many made-up emails
        cannot grow the table without bound."""
        for key in [k for k, times in self._failures.items() if not self._recent(k, now)]:
            del self._failures[key]

    def succeeded(self, key: str) -> None:
        """A correct password clears that account's failures (not the client's)."""
        with self._lock:
            self._failures.pop(key, None)
