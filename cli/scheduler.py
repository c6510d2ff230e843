"""``advocacy scheduler``: run the job table (``scheduler.py``) while this process leads.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from cli.base import handled, main, services


@main.command("scheduler")
@handled
def run_scheduler() -> None:
    """Run the scheduler alone: dated milestones, rendering of batches that fired and outbox
    wake-ups (ADVOCACY_SCHEDULER_CHECK_SECONDS), follow-ups for silent addressees (hourly),
    replies fetched from ADVOCACY_IMAP_URL (ADVOCACY_FETCH_EVERY_MINUTES). Start it on several
    hosts with PostgreSQL:
    only the holder of an advisory lock runs jobs, the others take over within
    ADVOCACY_SCHEDULER_LEADER_POLL_SECONDS if it dies. Stop it with Ctrl-C or SIGTERM."""
    from scheduler import run_while_leading

    s = services()
    s.require_current_schema()
    stopping = threading.Event()

    def stop_on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)

    def say(message: str) -> None:
        print(f"scheduler: {message}", flush=True)  # a line at a time, also into a pipe

    run_while_leading(s.settings, s.db.engine, stopping=stopping, say=say)
    say("stopped")
