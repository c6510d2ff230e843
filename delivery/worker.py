"""The outbox worker: claim due deliveries, check their bytes, hand them to the transport.

Rule: the worker sends only bytes whose sha256 equals both the delivery's recorded hash and
an approval of that document. Anything else is refused and the delivery fails with the reason;
it never sends "nearly" the approved letter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

from delivery.envelope import DeliveryResult, Envelope
from delivery.integrity import approved_content
from delivery.outbox import claim_due, finish
from errors import IntegrityRefused
from responses.tokens import ReplyAddresses
from storage.db import Database
from storage.tables import Delivery
from timeutil import Clock

STATE_WORDS = {
    "sent": "sent",
    "written": "written to outbox",
    "retry_wait": "will retry",
    "failed": "failed",
}


class Transport(Protocol):
    """Delivers one envelope; ``final_state`` is what success means ("sent" or "written")."""

    name: str
    final_state: str

    async def send(self, envelope: Envelope) -> DeliveryResult: ...


@runtime_checkable
class Pooling(Protocol):
    """A transport holding connections that must be closed before its event loop ends."""

    async def aclose(self) -> None: ...


@dataclass
class DrainReport:
    done: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> None:
        self.done[state] = self.done.get(state, 0) + 1

    def describe(self) -> str:
        """'7 written to outbox, 1 will retry' — a Maildir write is never called 'sent'."""
        parts = [f"{n} {STATE_WORDS.get(state, state)}" for state, n in self.done.items()]
        return ", ".join(parts) or "nothing due"


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

    def _load(self, delivery_id: int) -> tuple[Delivery, bytes | str]:
        """The claimed row and its approved bytes, or the reason they are refused."""
        with self.db.unit_of_work(write=False) as uow:
            delivery = uow.get_one(Delivery, delivery_id)
            try:
                return delivery, approved_content(uow, delivery, self.documents_dir)
            except (IntegrityRefused, OSError) as exc:
                return delivery, f"refused: {exc}"

    async def _attempt(self, delivery: Delivery, content: bytes) -> tuple[str, str]:
        envelope = Envelope(
            delivery.id,
            self.identities.bounce_address(delivery.id),
            (delivery.recipient,),
            content,
            delivery.message_id,
        )
        result = await self.transport.send(envelope)
        if result.permanent:
            return "failed", "; ".join(f"{r}: {why}" for r, why in result.permanent)
        if result.temporary:
            return "retry", "; ".join(f"{r}: {why}" for r, why in result.temporary)
        return self.transport.final_state, ""

    def _finish(self, delivery_id: int, state: str, error: str) -> str:
        with self.db.unit_of_work() as uow:
            row = uow.get_one(Delivery, delivery_id)
            finish(
                uow, row, state=state, error=error, clock=self.clock, transport=self.transport.name
            )
            return row.state

    async def _handle(self, delivery_id: int) -> str:
        """One attempt for a claimed row, its outcome recorded; returns the row's new state.

        Database and file work runs in threads so that other sends keep the connections busy.
        """
        delivery, content = await asyncio.to_thread(self._load, delivery_id)
        if isinstance(content, str):
            state, error = "failed", content
        else:
            state, error = await self._attempt(delivery, content)
        # A crash before this commit leaves the row ``sending``; its lease expires and it is
        # claimed again with the same Message-ID (at-least-once).
        return await asyncio.to_thread(self._finish, delivery_id, state, error)

    async def drain(
        self, *, limit: int | None = None, progress: Callable[[str], None] | None = None
    ) -> DrainReport:
        """Process due deliveries until none are left (or ``limit`` have been handled).

        Up to ``concurrency`` sends run at once (the transport applies its own per-domain
        limits); ``progress`` is called with each finished row's new state.
        """
        report, handled = DrainReport(), 0
        gate = asyncio.Semaphore(self.concurrency)

        async def one(delivery_id: int) -> None:
            async with gate:
                state = await self._handle(delivery_id)
            report.count(state)
            if progress is not None:
                progress(state)

        while limit is None or handled < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - handled)
            ids = claim_due(self.db, limit=size, now=self.clock.now(), lease=self.lease)
            if not ids:
                break
            await asyncio.gather(*(one(i) for i in ids))
            handled += len(ids)
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
