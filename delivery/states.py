"""The outbox lifecycle, declared once: the states, the allowed moves, and the one function that
moves a row.

Rule: every change of ``Delivery.state`` goes through ``move`` (one row) or, for the worker's
bulk claim, an UPDATE whose WHERE admits only states ``may_move`` to ``sending`` allows; an
illegal move raises ``IllegalTransition``. The database checks the same set of names
(``CHECK_SQL``, migration 0008). ``sent`` is final except for one move: a bounce, to ``bounced``.

    queued ──► sending ──► sent ──► bounced          (email; a transport's success)
      │  ▲        │  └───► written                     (Maildir: on disk, NOT sent)
      │  │        ├──────► retry_wait ──► sending      (temporary failure, backoff)
      │  │        ├──────► failed                      (permanent, refused, or past the horizon)
      │  │        └──────► held                        (claimed MAX_CLAIMS times, no outcome)
      │  └── retry_now ◄── retry_wait | failed | cancelled | held | sending (lease expired)
      ├──► printed ──► sent                            (postal: staff print, then post)
      └──► sent                                        (manual: staff submitted the web form)
    cancel: queued | retry_wait | failed | printed | held | sending (lease expired) ──► cancelled
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from errors import Conflict

if TYPE_CHECKING:
    from storage.tables import Delivery


class State(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    RETRY_WAIT = "retry_wait"
    PRINTED = "printed"
    SENT = "sent"
    WRITTEN = "written"
    FAILED = "failed"
    CANCELLED = "cancelled"
    BOUNCED = "bounced"
    HELD = "held"


S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    # A lease that expired is claimed again (sending → sending), keeping its Message-ID.
    S.QUEUED: frozenset({S.SENDING, S.PRINTED, S.SENT, S.CANCELLED}),
    S.SENDING: frozenset(
        {S.SENDING, S.SENT, S.WRITTEN, S.RETRY_WAIT, S.FAILED, S.HELD, S.QUEUED, S.CANCELLED}
    ),
    S.RETRY_WAIT: frozenset({S.SENDING, S.QUEUED, S.CANCELLED}),
    S.PRINTED: frozenset({S.PRINTED, S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.BOUNCED}),
    # Written to the Maildir: whatever later carries it out may bounce it.
    S.WRITTEN: frozenset({S.BOUNCED}),
    S.FAILED: frozenset({S.QUEUED, S.CANCELLED}),
    S.CANCELLED: frozenset({S.QUEUED}),
    S.HELD: frozenset({S.QUEUED, S.CANCELLED}),
    S.BOUNCED: frozenset(),
}
# Delivered: the transport finished (the reports' "delivered" and the answer clock start here).
WENT_OUT = frozenset({S.SENT, S.WRITTEN})
# Waiting for the worker, or in its hands.
IN_FLIGHT = frozenset({S.QUEUED, S.SENDING, S.RETRY_WAIT})
FINISHED = frozenset({S.SENT, S.WRITTEN, S.FAILED, S.CANCELLED, S.BOUNCED})
NAMES = tuple(s.value for s in State)
CHECK_NAME = "ck_deliveries_state"
CHECK_SQL = "state IN (" + ", ".join(f"'{name}'" for name in NAMES) + ")"


class IllegalTransition(Conflict):
    """A move the lifecycle does not allow (e.g. ``sent`` → ``retry_wait``)."""


def may_move(source: str, target: State) -> bool:
    return target in TRANSITIONS.get(State(source), frozenset())


def sources_of(target: State) -> frozenset[State]:
    """Every state a row may leave for ``target`` (the bulk claim's WHERE uses this)."""
    return frozenset(s for s, targets in TRANSITIONS.items() if target in targets)


def move(delivery: Delivery, target: State, *, at: datetime, error: str | None = None) -> None:
    """Move one row to ``target`` or raise ``IllegalTransition``; a finished state stamps
    ``finished_at`` (and a state that is not clears it); ``error`` replaces ``last_error``."""
    if not may_move(delivery.state, target):
        raise IllegalTransition(
            f"delivery {delivery.id} is {delivery.state}; it cannot become {target.value}"
        )
    delivery.state = target.value
    delivery.finished_at = at if target in FINISHED else None
    if target is not State.SENDING:
        delivery.lease_until = None
    if error is not None:
        delivery.last_error = error
