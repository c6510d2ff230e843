"""Reliability against real aiosmtpd servers: a worker killed with SIGKILL mid-run and
restarted loses nothing; a faulty server (421/451, dropped connections, 550) ends with every
temporary failure delivered, every 550 failed with the server's text, nothing ``sending``."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

import bootstrap
from settings import Settings
from tests.delivery.steps import add_queued_copies, deliveries, queued_batch
from tests.integration.test_smtp import free_port, smtp_services
from timeutil import FixedClock

pytestmark = pytest.mark.integration


class Faulty:
    """Refuses ``-x@`` recipients with 550; answers 30 % of the others' transactions with
    421/451 and drops some connections; accepts the rest, counting them per delivery."""

    def __init__(self, *, seed: int = 6, delay: float = 0.0, faults: bool = True) -> None:
        self.random, self.delay, self.faults = random.Random(seed), delay, faults
        self.received: Counter[int] = Counter()
        # At most three faults per delivery: the worker gives up after five attempts, and the
        # test is about retries succeeding, not about a row unlucky five times in a row.
        self.faulted: Counter[int] = Counter()

    def _may_fault(self, envelope: Any) -> bool:
        return self.faults and self.faulted[_delivery_id(envelope)] < 3

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if "-x@" in address:
            return "550 5.1.1 No such desk here"
        if self._may_fault(envelope) and self.random.random() < 0.05:
            self.faulted[_delivery_id(envelope)] += 1
            server.transport.close()  # connection dropped mid-transaction
            return "421 4.4.2 Connection dropped"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            time.sleep(self.delay)  # a slow server: keeps several messages in flight
        roll = self.random.random() if self._may_fault(envelope) else 1.0
        if roll < 0.25:
            self.faulted[_delivery_id(envelope)] += 1
        if roll < 0.15:
            return "451 4.3.0 Try again later"
        if roll < 0.25:
            return "421 4.3.2 Shutting down"
        self.received[_delivery_id(envelope)] += 1
        return "250 Accepted"


def _delivery_id(envelope: Any) -> int:
    """Keyed by the VERP sender (bounce+<id>-<mac>@…): the copies share one file's bytes."""
    return int(envelope.mail_from.split("+")[1].split("-")[0])


def serve(handler: Faulty) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def test_faulty_server_ends_delivered_or_failed(settings: Settings, clock: FixedClock) -> None:
    """Temporary faults are retried until delivered; 550s fail with the text; none left sending."""
    handler = Faulty()
    controller, port = serve(handler)
    s = smtp_services(settings, clock, port)
    try:
        batch_id = queued_batch(s)
        add_queued_copies(s, batch_id, 60)
        with s.db.unit_of_work() as uow:  # every tenth copy goes to a desk that does not exist
            for row in deliveries(s)[7::10]:
                uow.get_one(type(row), row.id).recipient = row.recipient.replace("@", "-x@")
        for _ in range(6):
            s.worker().drain_sync()
            clock.advance(timedelta(hours=9))
        rows = deliveries(s)
    finally:
        s.close()
        controller.stop()
    refused = [r for r in rows if "-x@" in r.recipient]
    assert {r.state for r in refused} == {"failed"}
    assert all("550 5.1.1 No such desk here" in r.last_error for r in refused)
    delivered = [r for r in rows if "-x@" not in r.recipient]
    assert {r.state for r in delivered} == {"sent"}
    assert set(handler.received) == {r.id for r in delivered}
    assert max(r.attempts for r in delivered) > 1  # the faults did happen


def test_killed_worker_loses_nothing(settings: Settings, clock: FixedClock) -> None:
    """SIGKILL mid-run, then a restart: all arrive; only in-flight ones twice, same Message-ID."""
    handler = Faulty(delay=0.01, faults=False)
    controller, port = serve(handler)
    s = smtp_services(settings, clock, port)
    try:
        add_queued_copies(s, queued_batch(s), 193)
        worker = start_worker(s, port)
        while sum(handler.received.values()) < 60:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate()
        in_flight = {r.id for r in deliveries(s) if r.state == "sending"}
        clock.current = datetime.now(UTC) + timedelta(hours=1)  # every lease has expired
        s.worker().drain_sync()
        rows = deliveries(s)
    finally:
        s.close()
        controller.stop()
    assert {r.state for r in rows} == {"sent"}
    assert set(handler.received) == {r.id for r in rows}
    twice = {mid for mid, n in handler.received.items() if n > 1}
    assert twice <= in_flight
    assert max(handler.received.values()) <= 2


def start_worker(s: bootstrap.Services, port: int) -> subprocess.Popen[bytes]:
    """``advocacy worker`` in its own process, on the same database and documents."""
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": s.settings.database_url,
        "ADVOCACY_DATA_DIR": str(s.settings.data_dir),
        "ADVOCACY_SMTP_URL": f"smtp://127.0.0.1:{port}?starttls=off",
        "ADVOCACY_SECRET_KEY": "test-secret",
        "ADVOCACY_WORKER_CONCURRENCY": "4",
    }
    command = [str(Path(sys.executable).parent / "advocacy"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
