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
    from scheduler import build_scheduler
    from storage.leadership import lead, lock_for

    s = services()
    s.require_current_schema()
    stopping = threading.Event()

    def stop_on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    scheduler = build_scheduler(s.settings, s.db.engine)

    def start() -> None:
        if scheduler.state == 0:  # STATE_STOPPED: the first time
            scheduler.start()
        else:
            scheduler.resume()

    def say(message: str) -> None:
        print(f"scheduler: {message}", flush=True)  # a line at a time, also into a pipe

    lead(
        lock_for(s.db.engine),
        start=start,
        stop=scheduler.pause,
        poll=s.settings.scheduler_leader_poll_seconds,
        stopping=stopping,
        say=say,
    )
    if scheduler.running:
        scheduler.shutdown(wait=True)
    say("stopped")
