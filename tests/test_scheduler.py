"""The scheduler's jobs and processes: a dated milestone fires exactly once across restarts,
concurrent checks and a leader that dies; a missed one can be reported instead."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from sqlalchemy import select

import jobs
from bootstrap import Services
from campaigns.appeal import load_appeal
from recipients.selection import Selection
from scheduler import FETCH_REPLIES, JOBS, build_scheduler, run_while_leading
from storage.tables import AuditEntry, MilestoneFiring
from tests.campaigns.steps import batch_ids, start_campaign, with_milestones
from tests.delivery.steps import queued_batch

ADVOCACY = str(Path(sys.executable).parent / "advocacy")


@pytest.fixture
def env(services: Services, tmp_path: Path) -> dict[str, str]:
    """Environment for jobs and scheduler processes on the test database, with short periods."""
    return {
        "ADVOCACY_DATABASE_URL": services.settings.database_url,
        "ADVOCACY_DATA_DIR": str(tmp_path / "var"),
        "ADVOCACY_SMTP_URL": "",
        "ADVOCACY_SECRET_KEY": "test-secret",
        "ADVOCACY_SCHEDULER_CHECK_SECONDS": "1",
        "ADVOCACY_SCHEDULER_LEADER_POLL_SECONDS": "1",
        "ADVOCACY_MISSED_MILESTONES": "fire",
    }


@pytest.fixture
def in_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``env`` set in this process, for job functions that build their own services."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def dated_campaign(s: Services, examples: Path, due: datetime) -> None:
    """The example campaign with one milestone at ``due`` (real time, UTC), addressed to one
    ministry: what counts here is how many batches fire, and a scheduler process renders what
    fired for real (eight letters with the annex cost it seconds of CPU)."""
    milestone = f"  - key: council\n    at: {due.isoformat(timespec='seconds')}\n"
    appeal = load_appeal(with_milestones(examples, milestone))
    start_campaign(s, appeal.model_copy(update={"targets": Selection(keys=["mfa-lithuania"])}))


@pytest.fixture
def overdue(services: Services, examples: Path) -> None:
    """The example campaign with its one milestone an hour overdue."""
    dated_campaign(services, examples, datetime.now(UTC) - timedelta(hours=1))


def outcomes(s: Services) -> list[tuple[str, int | None]]:
    """Every milestone firing as (outcome, batch id)."""
    with s.db.unit_of_work(write=False) as uow:
        return [(f.outcome, f.batch_id) for f in uow.scalars(select(MilestoneFiring))]


class Process:
    """``advocacy scheduler`` in a child process whose output lines can be waited for."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.child = subprocess.Popen(
            [ADVOCACY, "scheduler"],
            env={**os.environ, **env},
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.child.stdout is not None
        for line in self.child.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 30) -> float:
        """Seconds until a line containing ``text`` appeared; fail after ``timeout``."""
        began = time.monotonic()
        while (left := timeout - (time.monotonic() - began)) > 0:
            try:
                if text in self.lines.get(timeout=left):
                    return time.monotonic() - began
            except queue.Empty:
                break
        pytest.fail(f"no {text!r} from the scheduler within {timeout} s")

    def kill(self) -> None:
        self.child.send_signal(signal.SIGKILL)
        self.child.wait(timeout=10)

    def stop(self) -> None:
        if self.child.poll() is None:
            self.child.terminate()
            self.child.wait(timeout=30)
        self.reader.join(timeout=10)  # it ends at the end of the output
        assert self.child.stdout is not None
        self.child.stdout.close()


@pytest.fixture
def processes(env: dict[str, str], tmp_path: Path) -> Iterator[list[Process]]:
    """Scheduler processes started by a test, all stopped at its end."""
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


MAILBOX = "imaps://replies:secret@mail.example.org/INBOX"


def stored_fetch_job(s: Services, **changes: object) -> Job:
    """The fetch job as the job store holds it after a (paused) scheduler started with the
    test settings changed by ``changes``, then stopped."""
    settings = s.settings.model_copy(update=changes)
    scheduler = build_scheduler(settings, s.db.engine)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(FETCH_REPLIES[0])
    finally:
        scheduler.shutdown(wait=False)
    assert job is not None
    return job


def wait_until(moment: datetime) -> None:
    time.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


def settled_batches(s: Services, *, within: float) -> list[int]:
    """The batch ids once a first batch appeared (or ``within`` seconds passed) and several
    more checks have run."""
    deadline = time.monotonic() + within
    while not batch_ids(s) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # several more checks
    return batch_ids(s)


class TestJobTable:
    def test_jobs_are_importable_references(self) -> None:
        """Every job is a `module:function` string that resolves to a callable."""
        for _, reference, _ in JOBS:
            module, _, name = reference.partition(":")
            assert module == "jobs"
            assert callable(getattr(jobs, name))

    def test_fetch_job_is_an_importable_reference(self) -> None:
        """The IMAP fetch job is a `jobs:function` string too."""
        module, _, name = FETCH_REPLIES[1].partition(":")
        assert (module, callable(getattr(jobs, name))) == ("jobs", True)

    def test_fetch_runs_every_configured_minutes_with_a_mailbox(self, services: Services) -> None:
        """With a mailbox set the fetch job runs every ADVOCACY_FETCH_EVERY_MINUTES."""
        job = stored_fetch_job(services, imap_url=MAILBOX, fetch_every_minutes=7)
        assert job.trigger.interval == timedelta(minutes=7)
        assert job.next_run_time is not None

    @pytest.mark.parametrize(
        "changes",
        [{"imap_url": None}, {"imap_url": MAILBOX, "fetch_every_minutes": 0}],
        ids=["no-mailbox", "zero-minutes"],
    )
    def test_fetch_switched_off_stops_the_stored_job(
        self, services: Services, changes: dict[str, object]
    ) -> None:
        """A fetch job stored while it was on is paused once fetching is switched off."""
        stored_fetch_job(services, imap_url=MAILBOX, fetch_every_minutes=5)
        assert stored_fetch_job(services, **changes).next_run_time is None

    @pytest.mark.usefixtures("in_env")
    def test_fetch_job_without_a_mailbox_reads_nothing(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The job itself does nothing (and connects nowhere) when no mailbox is set."""
        monkeypatch.setenv("ADVOCACY_IMAP_URL", "")
        assert jobs.fetch_replies() == 0


class TestMissedMilestone:
    @pytest.mark.usefixtures("overdue", "in_env")
    def test_overdue_milestone_fires_once(self, services: Services) -> None:
        """After downtime the first check fires the overdue milestone; later checks do not."""
        assert jobs.check_milestones() == 1
        assert jobs.check_milestones() == 0
        (batch,) = batch_ids(services)
        assert outcomes(services) == [("fired", batch)]

    @pytest.mark.usefixtures("overdue", "in_env")
    def test_late_firing_is_audited_as_late(self, services: Services) -> None:
        """The audit entry of a late firing says how late it was."""
        jobs.check_milestones()
        with services.db.unit_of_work(write=False) as uow:
            entry = uow.scalars(
                select(AuditEntry).where(AuditEntry.action == "milestone.fire")
            ).one()
        assert entry.details["late_seconds"]["council"] >= 3600

    @pytest.mark.usefixtures("overdue", "in_env")
    def test_report_policy_records_missed_never_fires(
        self, services: Services, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With ADVOCACY_MISSED_MILESTONES=report the milestone is marked missed, no batch."""
        monkeypatch.setenv("ADVOCACY_MISSED_MILESTONES", "report")
        assert jobs.check_milestones() == 0
        assert jobs.check_milestones() == 0
        assert (batch_ids(services), outcomes(services)) == ([], [("missed", None)])

    def test_two_processes_checking_at_once_fire_once(
        self, services: Services, examples: Path, env: dict[str, str], tmp_path: Path
    ) -> None:
        """Two processes running the check together create one batch between them."""
        dated_campaign(services, examples, datetime.now(UTC) - timedelta(minutes=1))
        code = "import jobs; print(jobs.check_milestones())"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", code],
                env={**os.environ, **env, "PYTHONPATH": str(Path(jobs.__file__).parent)},
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        made = [int(child.communicate(timeout=120)[0]) for child in children]
        assert sorted(made) == [0, 1]
        assert len(batch_ids(services)) == 1


class TestLeaderLoop:
    def test_paused_jobs_stay_paused_while_leading(self, services: Services) -> None:
        """``serve``'s loop leads with the drain job paused; the other jobs keep their times."""
        stopping, said = threading.Event(), []

        def say(message: str) -> None:
            said.append(message)
            stopping.set()  # leave after the first pass

        run_while_leading(
            services.settings,
            services.db.engine,
            stopping=stopping,
            say=say,
            paused=["drain-outbox"],
        )
        store = SQLAlchemyJobStore(engine=services.db.engine)
        assert said == ["leader: running jobs"]
        assert store.lookup_job("drain-outbox").next_run_time is None
        assert store.lookup_job("check-milestones").next_run_time is not None


class TestFollowUpJob:
    @pytest.mark.usefixtures("in_env")
    def test_silent_campaign_is_chased_once(self, services: Services) -> None:
        """The hourly job makes one follow-up batch for a deadline passed long ago, then none."""
        queued_batch(services)  # sent in 2021 by the test clock; the job's clock is today's
        assert services.worker().drain_sync().done == {"sent": 7}
        assert (jobs.chase_silent(), jobs.chase_silent()) == (1, 0)


@pytest.mark.slow
class TestProcesses:
    def test_restart_after_the_moment_fires_once(
        self,
        services: Services,
        examples: Path,
        env: dict[str, str],
        processes: list[Process],
        tmp_path: Path,
    ) -> None:
        """Scheduled, killed before the moment, restarted after it: exactly one batch."""
        due = datetime.now(UTC) + timedelta(seconds=6)
        dated_campaign(services, examples, due)
        processes.append(Process(env, tmp_path))
        processes[0].wait_for("leader")
        processes[0].kill()
        wait_until(due + timedelta(seconds=1))
        assert batch_ids(services) == []
        processes.append(Process(env, tmp_path))
        processes[1].wait_for("leader")
        assert len(settled_batches(services, within=30)) == 1

    def test_waiting_scheduler_takes_over_from_a_dead_leader(
        self,
        services: Services,
        examples: Path,
        env: dict[str, str],
        processes: list[Process],
        tmp_path: Path,
    ) -> None:
        """Of two schedulers one leads; killed, the other leads within 30 s and fires once."""
        dated_campaign(services, examples, datetime.now(UTC) + timedelta(seconds=8))
        processes.append(Process(env, tmp_path))
        processes[0].wait_for("leader")
        processes.append(Process(env, tmp_path))
        processes[1].wait_for("waiting")
        processes[0].kill()
        assert processes[1].wait_for("leader", timeout=30) < 30
        assert len(settled_batches(services, within=45)) == 1
