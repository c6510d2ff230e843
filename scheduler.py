"""The scheduler's job table, and nothing else: each job calls one service function by id.

Rule (APScheduler 3.11 FAQ): one scheduler per job store. Jobs are ``module:function`` strings
taking only ids, so a restart re-imports them; they insert idempotent rows or drain the outbox,
so a job that runs twice does no harm. Times are UTC with an explicit misfire grace time.
"""

from __future__ import annotations

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from settings import Settings

MISFIRE_GRACE_SECONDS = 300

# (job id, callable reference, seconds between runs)
JOBS: tuple[tuple[str, str, int], ...] = (
    ("fire-dated-milestones", "jobs:fire_dated_milestones", 60),
    ("drain-outbox", "jobs:drain_outbox", 30),
)


def build_scheduler(settings: Settings) -> BlockingScheduler:
    """A scheduler whose jobs live in the service's own database."""
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=settings.database_url)},
        timezone="UTC",
        job_defaults={
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            "coalesce": True,
            "max_instances": 1,
        },
    )
    for job_id, func, seconds in JOBS:
        scheduler.add_job(func, "interval", seconds=seconds, id=job_id, replace_existing=True)
    return scheduler
