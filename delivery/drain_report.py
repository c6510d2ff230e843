"""What a worker pass tells its caller: rows recorded per state, and what a starting worker
finds (held and leased rows).

Rule: the words say what happened, never more: a Maildir write is "written to outbox", never
"sent"; with nothing done, the report names when the next row becomes due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

STATE_WORDS = {
    "sent": "sent",
    "written": "written to outbox",
    "retry_wait": "will retry",
    "failed": "failed",
}


@dataclass
class DrainReport:
    done: dict[str, int] = field(default_factory=dict)
    next_due: datetime | None = None

    def count(self, state: str) -> None:
        self.done[state] = self.done.get(state, 0) + 1

    def describe(self) -> str:
        """'7 written to outbox, 1 will retry' — a Maildir write is never called 'sent'."""
        parts = [f"{n} {STATE_WORDS.get(state, state)}" for state, n in self.done.items()]
        if parts:
            return ", ".join(parts)
        if self.next_due is None:
            return "nothing due"
        return f"nothing due — next at {self.next_due:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class OutboxStatus:
    """What a starting worker reports: rows held for staff, and rows under a lease."""

    held: int
    leased: int  # sending, lease still running (another worker, or one that died recently)
    expired: int  # sending, lease over: the worker died; claimed again now

    def describe(self) -> str:
        return (
            f"{self.held} held for staff (advocacy outbox list --state held), "
            f"{self.leased} sending under a lease, {self.expired} with an expired lease "
            "(claimed again now, same Message-ID)"
        )
