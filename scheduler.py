"""The scheduler's job table (each job calls one service function) and the one loop that runs
it while this process leads (``run_while_leading``: ``advocacy scheduler`` and ``serve`` alike).

Rule (APScheduler 3.11 FAQ): one scheduler per job store, so ``advocacy scheduler`` starts it
only while it holds the leadership lock (``storage.leadership``). Jobs are ``module:function``
strings taking only ids, so a restart re-imports them; they insert idempotent rows or drain the
outbox, so a job that runs twice does no harm. Times are UTC with an explicit misfire grace.

Dated milestones are found by a periodic check, not one date job per milestone: milestones
live in the appeal and change with ``campaign update``, and a date job would have to be kept in
step with every edit; APScheduler also silently drops a date job missed by more than its grace
time, while our check sees an overdue milestone after any downtime and settles it by
``ADVOCACY_MISSED_MILESTONES``. The unique firing row makes the check safe to run anywhere.

Fetching replies over IMAP runs every ``ADVOCACY_FETCH_EVERY_MINUTES`` while a mailbox is set.
Switched off, it stays in the table as a paused job: the job store outlives the process, and
replacing the job an earlier configuration stored is what stops it from running.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import Engine

from settings import Settings
from storage.leadership import lead, lock_for

# A run that starts this late (the process was busy or down) is skipped; coalescing then runs
# it once, not once per missed interval.
MISFIRE_GRACE_SECONDS = 300
OUTBOX_DRAIN_SECONDS = 30
FOLLOW_UP_SECONDS = 3600  # deadlines are days; hourly is plenty

# (job id, callable reference, seconds between runs; None: ADVOCACY_SCHEDULER_CHECK_SECONDS)
JOBS: tuple[tuple[str, str, int | None], ...] = (
    ("check-milestones", "jobs:check_milestones", None),
    ("render-pending", "jobs:render_pending", None),
    ("drain-outbox", "jobs:drain_outbox", OUTBOX_DRAIN_SECONDS),
    ("follow-up-silent", "jobs:chase_silent", FOLLOW_UP_SECONDS),
)
FETCH_REPLIES = ("fetch-replies", "jobs:fetch_replies")  # every fetch_minutes(settings)


def fetch_minutes(settings: Settings) -> int:
    """Minutes between IMAP fetches; 0 (off) without a mailbox or with the setting at 0."""
    return settings.fetch_every_minutes if settings.imap_url is not None else 0


def build_scheduler(settings: Settings, engine: Engine) -> BackgroundScheduler:
    """A scheduler whose jobs live in the service's own database (table ``apscheduler_jobs``)."""
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine)},
        timezone="UTC",
        job_defaults={
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "coalesce": True,
            "max_instances": 1,
        },
    )
    for job_id, func, seconds in JOBS:
        every = seconds or settings.scheduler_check_seconds
        scheduler.add_job(func, "interval", seconds=every, id=job_id, replace_existing=True)
    job_id, func = FETCH_REPLIES
    minutes = fetch_minutes(settings)
    paused = {} if minutes else {"next_run_time": None}
    scheduler.add_job(
        func, "interval", minutes=minutes or 60, id=job_id, replace_existing=True, **paused
    )
    return scheduler


def run_while_leading(
    settings: Settings,
    engine: Engine,
    *,
    stopping: threading.Event,
    say: Callable[[str], None],
    paused: Collection[str] = (),
) -> None:
    """Until ``stopping`` is set, run the job table whenever this process holds the leadership
    lock, pausing it when the lock is lost (``storage.leadership.lead``); then shut it down.
    Jobs named in ``paused`` never run here (``serve`` drains the outbox in its own thread)."""
    scheduler = build_scheduler(settings, engine)
    for job_id in paused:
        scheduler.pause_job(job_id)

    def start() -> None:
        if scheduler.state == STATE_STOPPED:  # the first time; after a lost lock it is paused
            scheduler.start()
        else:
            scheduler.resume()

    lead(
        lock_for(engine),
        start=start,
        stop=scheduler.pause,
        poll=settings.scheduler_leader_poll_seconds,
        stopping=stopping,
        say=say,
    )
    if scheduler.running:
        scheduler.shutdown(wait=True)
