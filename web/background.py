"""The work ``advocacy serve`` runs beside the web app: the delivery worker and the scheduler.

Rule: both are threads that stop when ``stopping`` is set. The worker thread is the one drain
loop of ``serve``: it drains the outbox every ``ADVOCACY_WORKER_POLL_SECONDS`` (claims are
leased, so a second worker elsewhere is safe), and the scheduler's own drain job is paused
here so the outbox is not drained twice. The scheduler runs only while this process holds
the leadership lock (``storage.leadership``), so several ``serve`` processes on one database
never run its jobs twice.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

import bootstrap
from scheduler import run_while_leading

DRAIN_JOB = "drain-outbox"

log = logging.getLogger("advocacy.serve")


def worker_loop(services: bootstrap.Services, stopping: threading.Event, poll: float) -> None:
    """Deliver what is due, then wait ``poll`` seconds (or until told to stop)."""
    worker = services.worker()
    try:
        log.info("delivery worker starting: %s", worker.status().describe())
    except SQLAlchemyError:
        log.exception("delivery worker: could not read the outbox")
    while not stopping.is_set():
        try:
            report = worker.drain_sync()
            if report.done:
                log.info("delivery: %s", report.describe())
        except (OSError, SQLAlchemyError):
            # The database or the mail server is away: the rows keep their state and leases,
            # so the next pass picks them up; log and keep serving.
            log.exception("delivery pass failed; trying again in %s s", poll)
        except Exception:  # a bug must not silently end delivery while the pages keep serving
            log.exception("delivery pass failed unexpectedly; trying again in %s s", poll)
        stopping.wait(poll)


def scheduler_loop(services: bootstrap.Services, stopping: threading.Event) -> None:
    """Run the scheduler's job table while this process leads (see ``scheduler.py``), with its
    drain job paused: the worker thread drains the outbox, one drain loop."""
    run_while_leading(
        services.settings,
        services.db.engine,
        stopping=stopping,
        say=lambda message: log.info("scheduler: %s", message),
        paused=(DRAIN_JOB,),
    )


def start(services: bootstrap.Services, stopping: threading.Event) -> list[threading.Thread]:
    """Start the worker and the scheduler threads; join them after setting ``stopping``."""
    threads = [
        threading.Thread(
            target=worker_loop,
            args=(services, stopping, services.settings.worker_poll_seconds),
            name="advocacy-worker",
            daemon=True,
        ),
        threading.Thread(
            target=scheduler_loop,
            args=(services, stopping),
            name="advocacy-scheduler",
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    return threads
