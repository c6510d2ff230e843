"""Login rate limiting: too many failed logins for one email or from one address lock it out.

Rule: failures are counted per key (``email:<address>`` and ``client:<ip>``) in a sliding
window; a key with ``attempts`` failures inside the window is refused until the oldest one
leaves it. The count lives in this process: one ``advocacy serve`` per database is the design,
and a restart forgetting the count only restores the limit a few attempts early.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import timedelta

from timeutil import Clock


class LoginLimiter:
    """Counts failed logins per key; thread-safe (uvicorn may serve from several threads)."""

    def __init__(self, clock: Clock, *, attempts: int, window: timedelta) -> None:
        self.clock, self.attempts, self.window = clock, attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window.total_seconds():
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        """True when any of the keys has used up its failed attempts in the window."""
        now = self.clock.now().timestamp()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.attempts for key in keys)

    def failed(self, *keys: str) -> None:
        now = self.clock.now().timestamp()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        """A correct password clears that account's failures (not the address's)."""
        with self._lock:
            self._failures.pop(key, None)
