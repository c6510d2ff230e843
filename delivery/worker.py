"""The outbox worker: claim due deliveries, check their bytes, hand them to the transport.

Rule: the worker sends only bytes whose sha256 equals both the delivery's recorded hash and
an approval of that document. Anything else is refused and the delivery fails with the reason;
it never sends "nearly" the approved letter. One row never stops the pass: whatever its send
raises is recorded on that row (class and message: ``delivery.sending``) and the others go on; a
row whose send kills the whole process is held after ``max_claims`` claims (``delivery.claims``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import func, select

from delivery.claims import claim_due, next_due
from delivery.drain_report import DrainReport, OutboxStatus
from delivery.envelope import DeliveryResult, Envelope
from delivery.finish import Outcome, finish_batch
from delivery.integrity import approved_contents
from delivery.recording import GroupRecorder
from delivery.retry import RetryPolicy
from delivery.sending import Claimed, attempt, refusal_or_bytes
from delivery.states import State
from delivery.windows import SendWindow
from letters.identity import ReplyAddresses
from storage.db import Database
from storage.tables import Delivery
from timeutil import Clock


class Transport(Protocol):
    """Delivers one envelope; ``final_state`` is what success means ("sent" or "written")."""

    name: str
    final_state: str

    async def send(self, envelope: Envelope) -> DeliveryResult: ...


@runtime_checkable
class Pooling(Protocol):
    """A transport holding connections that must be closed before its event loop ends."""

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Worker:
    db: Database
    transport: Transport
    identities: ReplyAddresses
    documents_dir: Path
    clock: Clock
    batch_size: int = 20
    lease: timedelta = timedelta(minutes=5)
    concurrency: int = 1
    record_within: float = 1.0  # seconds an outcome may wait for its group commit
    max_claims: int = 3  # claims without an outcome before a row is held
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    # Transports of the other automatic channels (``delivery.channels``); email: ``transport``.
    transports: Mapping[str, Transport] = field(default_factory=dict)
    window: SendWindow | None = None  # retries wait for the addressee's office hours

    @property
    def channels(self) -> tuple[str, ...]:
        return ("email", *(c for c in self.transports if c != "email"))

    def transport_for(self, channel: str) -> Transport:
        return self.transports.get(channel, self.transport)

    def status(self) -> OutboxStatus:
        """Held and leased rows now (a starting worker says so: ``advocacy worker``, serve)."""
        now, leased = self.clock.now(), Delivery.state == State.SENDING
        with self.db.unit_of_work(write=False) as uow:

            def count(*where: Any) -> int:
                return int(uow.scalar(select(func.count(Delivery.id)).where(*where)) or 0)

            return OutboxStatus(
                count(Delivery.state == State.HELD),
                count(leased, Delivery.lease_until >= now),
                count(leased, Delivery.lease_until < now),
            )

    def _claim(self, size: int) -> list[Claimed]:
        """Claim up to ``size`` due rows, then check the whole batch's approvals and files once.

        The check runs after the claim has committed, so SQLite's write lock is not held
        while files are read and hashed.
        """
        now = self.clock.now()
        ids = claim_due(
            self.db,
            limit=size,
            now=now,
            lease=self.lease,
            max_claims=self.max_claims,
            channels=self.channels,
        )
        if not ids:
            return []
        with self.db.unit_of_work(write=False) as uow:
            rows = {d.id: d for d in uow.scalars(select(Delivery).where(Delivery.id.in_(ids)))}
            contents = approved_contents(uow, list(rows.values()), self.documents_dir)
        return [Claimed(rows[i], refusal_or_bytes(contents[i]), now + self.lease) for i in ids]

    def _finish(self, outcomes: list[Outcome]) -> dict[int, str]:
        with self.db.unit_of_work() as uow:
            return finish_batch(
                uow,
                outcomes,
                clock=self.clock,
                transport=self.transport.name,
                policy=self.policy,
                window=self.window,
            )

    def _next_due(self) -> datetime | None:
        with self.db.unit_of_work(write=False) as uow:
            return next_due(uow, self.clock.now(), self.channels)

    async def drain(
        self, *, limit: int | None = None, progress: Callable[[str], None] | None = None
    ) -> DrainReport:
        """Process due deliveries until none are left (or ``limit`` have been handled).

        Up to ``concurrency`` sends run at once (the transport applies its own per-domain
        limits). The next batch is claimed while the current one is sent; outcomes are
        committed in groups (``delivery.recording``: a batch's worth, or whatever is waiting
        after ``record_within`` seconds). Database and file work runs in threads so that sends
        keep the connections busy meanwhile. ``progress`` is called with each recorded row's
        new state.
        """
        report, gate = DrainReport(), asyncio.Semaphore(self.concurrency)

        async def write(outcomes: list[Outcome]) -> None:
            states = await asyncio.to_thread(self._finish, outcomes)
            for state in states.values():
                report.count(state)
                if progress is not None:
                    progress(state)

        recorder = GroupRecorder(write, size=self.batch_size, linger=self.record_within)

        async def send(claimed: Claimed) -> None:
            try:
                transport = self.transport_for(claimed.delivery.channel)
                outcome = await attempt(
                    claimed, transport=transport, identities=self.identities, clock=self.clock
                )
            finally:
                gate.release()
            if outcome is not None:
                recorder.add(outcome)

        def claim(handled: int) -> asyncio.Future[list[Claimed]] | None:
            size = self.batch_size if limit is None else min(self.batch_size, limit - handled)
            return asyncio.ensure_future(asyncio.to_thread(self._claim, size)) if size else None

        def reap() -> None:
            """Forget finished tasks, raising the first failure (a send or the recorder)."""
            for task in [t for t in tasks if t.done()]:
                tasks.discard(task)
                task.result()

        recording = asyncio.ensure_future(recorder.run())
        handled, claiming = 0, claim(0)
        tasks: set[asyncio.Future[None]] = {recording}
        try:
            while claiming is not None and (batch := await claiming):
                handled += len(batch)
                claiming = claim(handled)  # overlaps the sends below
                for claimed in batch:
                    await gate.acquire()
                    tasks.add(asyncio.create_task(send(claimed)))
                reap()
            await asyncio.gather(*(tasks - {recording}))
            recorder.close()
            await recording
            if not report.done:
                report.next_due = await asyncio.to_thread(self._next_due)
        except BaseException:
            # Stop sending, but still record what was sent: fewer rows to send again later.
            others: list[asyncio.Future[Any]] = [*(tasks - {recording})]
            others.extend([claiming] if claiming else [])
            for task in others:
                task.cancel()
            recorder.close()
            await asyncio.gather(*others, recording, return_exceptions=True)
            raise
        return report

    def drain_sync(self, progress: Callable[[str], None] | None = None) -> DrainReport:
        """Drain in a fresh event loop, then close the transport's connections (if it pools)."""

        async def run() -> DrainReport:
            try:
                return await self.drain(progress=progress)
            finally:
                if isinstance(self.transport, Pooling):
                    await self.transport.aclose()

        return asyncio.run(run())
