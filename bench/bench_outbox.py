"""Outbox throughput: enqueue N approved emails, then drain them with the real Worker on SQLite.

Rule: one database is prepared (N approved letters, each with an approved email document, all
pointing at one real rendered email on disk) and queued with the real ``enqueue`` (timed once).
Each contender drains its own copy of it through the real ``Worker`` (claim, hash check, send,
finish) into a ``MemoryTransport``, taking turns chunk by chunk. They differ only in how many
rows one claim transaction takes: the configured ``worker_batch_size``, against the naive
baseline of one row per transaction. Drain figures cover claim + check + send + finish.

The SMTP figure (``BENCH outbox_10k``, issue 6) sends SMTP_N emails carrying a 100 KB PDF to a
sink process, through the real ``Worker`` and ``SmtpTransport``, against raw pooled aiosmtplib
(``bench.outbox_smtp``); the two alternate in turns of 1,000 messages.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import insert

from bench import Report
from bench.outbox_smtp import CONNECTIONS, big_email, outbox_transport, sink, smtp_turns
from bench.world import ACTOR, CAMPAIGN, composed_letters, example_batch, services_in
from bootstrap import Services
from campaigns.store import get_campaign
from delivery.memory import MemoryTransport
from delivery.outbox import enqueue
from delivery.worker import Worker
from letters.documents import RenderedDocument
from letters.service import render_letter, write_atomically
from storage.tables import Addressee, Approval, Document, Letter

N = 2_000
SMTP_N = 10_000
# Deliveries per turn: the contenders take turns so that load from other processes falls on both
# alike; between turns the transport's list is cleared (it would otherwise hold N emails).
CHUNK = 200
PREPARED = "prepared.db"


def _add_letters(
    services: Services, batch_id: int, email: RenderedDocument, path: str, n: int = N
) -> None:
    """``n`` addressees, each with an approved letter whose approved email is ``path``."""
    now = services.clock.now()
    with services.db.unit_of_work() as uow:
        addressees = uow.scalars(
            insert(Addressee).returning(Addressee.id, sort_by_parameter_order=True),
            [
                {
                    "key": f"bench-{i:05d}",
                    "name": f"Bench addressee {i}",
                    "category": "government",
                    "email": f"desk-{i}@bench.example",
                    "updated_at": now,
                }
                for i in range(n)
            ],
        ).all()
        identities = [services.identities.new_identity() for _ in addressees]
        letters = uow.scalars(
            insert(Letter).returning(Letter.id, sort_by_parameter_order=True),
            [
                {
                    "batch_id": batch_id,
                    "addressee_id": addressee_id,
                    "language": "en",
                    "status": "approved",
                    "message_id": identity.message_id,
                    "reply_token": identity.reply_token,
                    "rendered_at": now,
                }
                for addressee_id, identity in zip(addressees, identities, strict=True)
            ],
        ).all()
        documents = uow.scalars(
            insert(Document).returning(Document.id, sort_by_parameter_order=True),
            [
                {
                    "letter_id": letter_id,
                    "format": "email",
                    "path": path,
                    "media_type": email.media_type,
                    "sha256": email.sha256,
                    "size": len(email.content),
                    "created_at": now,
                }
                for letter_id in letters
            ],
        ).all()
        uow.execute(
            insert(Approval),
            [
                {
                    "document_id": document_id,
                    "sha256": email.sha256,
                    "decision": "approved",
                    "reviewer": ACTOR,
                    "decided_at": now,
                }
                for document_id in documents
            ],
        )


def _prepare(workdir: Path) -> float:
    """The starting database: N approved letters, enqueued; return seconds per enqueued one."""
    services = services_in(workdir, database=PREPARED)
    try:
        batch_id = example_batch(services)
        letter = next(one for one in composed_letters(services, batch_id) if one.recipient_email)
        email = render_letter(services.renderers, letter)["email"]
        path = Path("bench") / f"letter.{email.extension}"
        write_atomically(services.settings.documents_dir / path, email.content)
        _add_letters(services, batch_id, email, str(path))
        began = time.perf_counter()
        with services.db.unit_of_work() as uow:
            campaign = get_campaign(uow, CAMPAIGN)
            queued = len(enqueue(uow, campaign, actor=ACTOR, clock=services.clock).queued)
        seconds = time.perf_counter() - began
    finally:
        services.close()
    if queued != N:
        raise RuntimeError(f"expected {N} deliveries queued, got {queued}")
    return seconds / N


@dataclass
class Contender:
    """One worker draining its own copy of the prepared database."""

    services: Services
    worker: Worker
    transport: MemoryTransport
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    finished: bool = False

    @classmethod
    def on_copy(cls, workdir: Path, name: str, batch_size: int | None) -> Contender:
        with (
            closing(sqlite3.connect(workdir / PREPARED)) as source,
            closing(sqlite3.connect(workdir / f"{name}.db")) as copy,
        ):
            source.backup(copy)
        transport = MemoryTransport()
        services = services_in(workdir, database=f"{name}.db", transport=transport)
        worker = services.worker()
        if batch_size is not None:
            worker = replace(worker, batch_size=batch_size)
        return cls(services, worker, transport)

    async def drain_chunk(self) -> None:
        began = time.perf_counter()
        done = (await self.worker.drain(limit=CHUNK)).done
        self.seconds += time.perf_counter() - began
        self.outcomes.update(done)
        self.finished = not done
        self.transport.sent.clear()


async def _take_turns(contenders: list[Contender]) -> None:
    """Drain all, CHUNK deliveries at a time, in turns (alternating who goes first)."""
    turn = 0
    while not all(one.finished for one in contenders):
        for one in contenders if turn % 2 == 0 else reversed(contenders):
            if not one.finished:
                await one.drain_chunk()
        turn += 1


def _smtp_prepared(workdir: Path) -> tuple[Services, bytes]:
    """SMTP_N approved, queued letters whose email carries a 100 KB PDF; return its bytes."""
    services = services_in(workdir)
    batch_id = example_batch(services)
    letter = next(one for one in composed_letters(services, batch_id) if one.recipient_email)
    email = big_email(render_letter(services.renderers, letter)["pdf"].content)
    path = Path("bench") / "big.eml"
    write_atomically(services.settings.documents_dir / path, email.content)
    _add_letters(services, batch_id, email, str(path), n=SMTP_N)
    with services.db.unit_of_work() as uow:
        enqueue(uow, get_campaign(uow, CAMPAIGN), actor=ACTOR, clock=services.clock)
    return services, email.content


def _smtp(report: Report) -> None:
    """The outbox draining SMTP_N deliveries to a sink process, against raw pooled aiosmtplib."""
    (report.workdir / "smtp").mkdir()
    services, content = _smtp_prepared(report.workdir / "smtp")
    try:
        with sink() as port:
            transport = outbox_transport(port)
            worker = replace(
                services.worker(), transport=transport, concurrency=2 * CONNECTIONS, batch_size=100
            )
            turns = asyncio.run(smtp_turns(worker, transport, port, content, n=SMTP_N))
    finally:
        services.close()
    if turns.sent != SMTP_N:
        raise RuntimeError(f"expected {SMTP_N} sent, got {turns.sent}")
    report.note(f"{SMTP_N} messages of {len(content)} bytes over {CONNECTIONS} connections")
    raw, outbox = turns.wall["raw"], turns.wall["outbox"]
    report.versus("smtp_10k", "msg/s", value=SMTP_N / outbox, baseline=SMTP_N / raw)
    # Sender-side CPU per message: what the outbox adds, even when a busy sink sets the pace.
    per_message = {name: seconds * 1000 / SMTP_N for name, seconds in turns.cpu.items()}
    report.versus(
        "smtp_cpu_per_msg", "ms", value=per_message["outbox"], baseline=per_message["raw"]
    )
    report.headline("outbox_10k", SMTP_N / outbox, "msg/s", ratio=raw / outbox)


def run(report: Report) -> None:
    _smtp(report)
    enqueue_seconds = _prepare(report.workdir)
    report.figure("enqueue_per_s", 1 / enqueue_seconds, "deliveries/s")
    real = Contender.on_copy(report.workdir, "real", None)
    naive = Contender.on_copy(report.workdir, "naive", 1)
    report.note(f"draining {N} deliveries with batch_size {real.worker.batch_size} and 1")
    try:
        asyncio.run(_take_turns([real, naive]))
    finally:
        real.services.close()
        naive.services.close()
    for one in (real, naive):
        if one.outcomes != Counter(sent=N):
            raise RuntimeError(f"expected {N} sent, got {dict(one.outcomes)}")
    value, baseline = real.seconds / N, naive.seconds / N
    report.versus("ms_per_delivery", "ms", value=value * 1000, baseline=baseline * 1000)
    report.versus("deliveries_per_s", "deliveries/s", value=1 / value, baseline=1 / baseline)
