"""The fault soak: 2,000 rows through a faulty aiosmtpd (451s, connections dropped after DATA,
550 for a pattern) while two ``advocacy worker`` processes are killed with SIGKILL again and
again, then a worker with a transport that raises for some rows finishes the rest.

Done when: 0 lost; extra copies only with the same Message-ID and no more than were in flight
at a kill or dropped after DATA; every 550 addressee flagged; IDN rows sent as xn--, non-ASCII
local parts failed for want of SMTPUTF8, raising rows failed on their own; nothing left
queued, waiting or sending.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

import bootstrap
from delivery.envelope import DeliveryResult, Envelope
from settings import Settings
from storage.tables import ChannelCheck, Delivery, Letter
from tests.delivery.builders import email_rows
from tests.delivery.steps import deliveries
from tests.integration.test_smtp import free_port, smtp_services
from timeutil import FixedClock

pytestmark = pytest.mark.integration

ROWS = 2_000
KILLS = 6
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


def recipient(n: int) -> str:
    """Mostly plain desks; every 50th refused (550), IDN and non-ASCII local parts, raisers."""
    if n % 50 == 7:
        return f"desk-{n}-x@mfa{n % 9}.example"
    if n % 100 == 11:
        return f"desk-{n}@münchen-mfa.example"
    if n % 200 == 13:
        return f"андрей-{n}@мид.example"
    if n % 400 == 17:
        return f"raise-{n}@mfa{n % 9}.example"
    return f"desk-{n}@mfa{n % 9}.example"


@dataclass
class Faulty:
    """451 for 10 % of DATA, a drop after DATA (message kept, answer lost) for 3 %, 550 at
    RCPT for ``-x@``; counts every accepted copy per delivery with its Message-ID."""

    rng: random.Random = field(default_factory=lambda: random.Random(16))
    copies: Counter[int] = field(default_factory=Counter)
    message_ids: dict[int, set[str]] = field(default_factory=dict)
    rcpt: dict[int, str] = field(default_factory=dict)
    dropped: Counter[int] = field(default_factory=Counter)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if "-x@" in address:
            return "550 5.1.1 No such desk here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        delivery = int(envelope.mail_from.split("+")[1].split("-")[0])
        roll = self.rng.random()
        if roll < 0.10:
            return "451 4.3.0 Try again later"
        found = MESSAGE_ID.search(envelope.content)
        self.message_ids.setdefault(delivery, set()).add(found[1].decode() if found else "")
        self.copies[delivery] += 1
        self.rcpt[delivery] = envelope.rcpt_tos[0]
        if roll < 0.13:
            self.dropped[delivery] += 1
            server.transport.close()  # accepted, but the sender never hears so
        return "250 Accepted"


class Raising:
    """The real transport, except that it raises for ``raise-`` recipients (a bug's stand-in)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.final_state = inner, inner.name, inner.final_state

    async def send(self, envelope: Envelope) -> DeliveryResult:
        if envelope.recipients[0].startswith("raise-"):
            raise RuntimeError("the transport fell over")
        result: DeliveryResult = await self.inner.send(envelope)
        return result

    async def aclose(self) -> None:
        await self.inner.aclose()


def start_worker(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": settings.database_url,
        "ADVOCACY_DATA_DIR": str(settings.data_dir),
        "ADVOCACY_SMTP_URL": f"smtp://127.0.0.1:{port}?starttls=off",
        "ADVOCACY_SECRET_KEY": "test-secret",
        "ADVOCACY_WORKER_CONCURRENCY": "8",
        "ADVOCACY_MAX_CLAIMS": "10",
    }
    command = [str(Path(sys.executable).parent / "advocacy"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def sending(s: bootstrap.Services) -> set[int]:
    with s.db.unit_of_work(write=False) as uow:
        return set(uow.scalars(select(Delivery.id).where(Delivery.state == "sending")))


def kill_repeatedly(s: bootstrap.Services, handler: Faulty, port: int) -> list[set[int]]:
    """Two workers; each time the server has taken ~150 more copies, SIGKILL one and start it
    again; return the rows in flight at each kill."""
    workers = [start_worker(s.settings, port) for _ in range(2)]
    in_flight, rng, mark = [], random.Random(9), 0
    deadline = time.monotonic() + 40
    try:
        while len(in_flight) < KILLS and time.monotonic() < deadline:
            if all(w.poll() is not None for w in workers):
                break
            if sum(handler.copies.values()) < mark + 150:
                time.sleep(0.01)
                continue
            mark = sum(handler.copies.values())
            victim = rng.choice([i for i, w in enumerate(workers) if w.poll() is None])
            os.kill(workers[victim].pid, signal.SIGKILL)
            workers[victim].communicate()
            in_flight.append(sending(s))
            workers[victim] = start_worker(s.settings, port)
        # Speed is the bench's business: on a loaded machine the workers may need longer to
        # drain what is left after the kills, so their wait has its own, generous bound.
        settle = time.monotonic() + 180
        for w in workers:
            w.wait(timeout=max(1.0, settle - time.monotonic()))
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
            w.communicate()
    return in_flight


def finish(s: bootstrap.Services, clock: FixedClock) -> None:
    """After the kills: every lease and backoff lets the in-process worker take the rest."""
    clock.current = datetime.now(UTC) + timedelta(days=1)
    worker = s.worker()
    for _ in range(40):
        worker.drain_sync()
        with s.db.unit_of_work(write=False) as uow:
            left = uow.scalars(
                select(Delivery.id).where(Delivery.state.in_(["queued", "retry_wait", "sending"]))
            ).first()
        if left is None:
            return
        clock.advance(timedelta(hours=3))


def test_fault_soak_loses_nothing(settings: Settings, clock: FixedClock) -> None:
    """Faults and repeated SIGKILLs of two workers over 2,000 rows: every row settled right."""
    handler = Faulty()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    configured = settings.model_copy(update={"max_claims": 10})
    s = smtp_services(configured, clock, port)
    try:
        clock.current = datetime.now(UTC)
        ids = email_rows(s, [recipient(n) for n in range(ROWS)], key="soak")
        with s.db.unit_of_work() as uow:  # the raisers wait for the in-process worker
            uow.execute(
                update(Delivery)
                .where(Delivery.recipient.like("raise-%"))
                .values(next_attempt_at=clock.now() + timedelta(hours=12))
            )
        in_flight = kill_repeatedly(s, handler, port)
        s.transport = Raising(s.transport)  # type: ignore[assignment]
        finish(s, clock)
        rows = {r.id: r for r in deliveries(s)}
        with s.db.unit_of_work(write=False) as uow:
            flagged = set(uow.scalars(select(ChannelCheck.delivery_id)))
            addressees = dict(
                uow.execute(select(Delivery.id, Letter.addressee_id).join(Letter)).all()
            )
            checked = set(uow.scalars(select(ChannelCheck.addressee_id)))
    finally:
        s.close()
        controller.stop()
    assert len(in_flight) >= 3, "the workers were killed too few times to mean anything"
    assert sorted(rows) == sorted(ids)
    states = Counter(r.state for r in rows.values())
    assert set(states) <= {"sent", "failed"}, states
    for row in rows.values():
        kind = row.recipient
        if "-x@" in kind:
            assert row.state == "failed"
            assert "550 5.1.1" in row.last_error
            assert addressees[row.id] in checked
        elif kind.startswith("андрей"):
            assert row.state == "failed"
            assert "does not offer SMTPUTF8" in row.last_error
        elif kind.startswith("raise-"):
            assert row.state == "failed"
            assert "raised RuntimeError" in row.last_error
        else:
            assert row.state == "sent", (row.id, row.state, row.last_error)
            assert handler.copies[row.id] >= 1  # 0 lost
            assert handler.message_ids[row.id] == {row.message_id}  # copies share it
    idn = [i for i, r in rows.items() if "münchen" in r.recipient]
    assert idn
    assert all(handler.rcpt[i].endswith("@xn--mnchen-mfa-9db.example") for i in idn)
    allowed = {i: sum(i in f for f in in_flight) + handler.dropped[i] for i in rows}
    extra = {i: n - 1 for i, n in handler.copies.items() if n > 1}
    assert all(n <= allowed[i] for i, n in extra.items()), "a copy nobody had in flight"
    assert flagged  # the 550s opened channel checks
