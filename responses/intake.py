"""One inbound message, one transaction: the entry point the CLI, IMAP fetch and jobs share.

Rule: a message never stops the messages after it. When importing it fails for any reason the
parse boundary did not foresee (a bug, a refused write), that transaction is rolled back and
the message is quarantined in a fresh one with the error as its reason, raw bytes kept; only
when even that fails (the database is down) does the error propagate, so an IMAP fetch stops
with the message still unseen and nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from letters.documents import write_atomically
from letters.identity import ReplyAddresses
from responses.inbound import BounceHandler, import_message
from responses.outcome import Inbound
from responses.parse import read
from responses.rows import hold, seen
from storage import audit
from storage.db import Database
from timeutil import Clock


@dataclass(frozen=True)
class Intake:
    """Everything an import needs besides the message."""

    db: Database
    identities: ReplyAddresses
    raw_dir: Path
    actor: str
    clock: Clock
    max_bytes: int
    bounces: BounceHandler | None = None

    def __call__(self, raw: bytes) -> Inbound:
        """Import ``raw`` in its own transaction; quarantine it if the import fails."""
        try:
            with self.db.unit_of_work() as uow:
                return import_message(
                    uow,
                    raw,
                    identities=self.identities,
                    raw_dir=self.raw_dir,
                    actor=self.actor,
                    clock=self.clock,
                    bounces=self.bounces,
                    max_bytes=self.max_bytes,
                )
        except Exception as exc:  # this message only: record why, keep it, go on
            return self._quarantine(raw, f"import failed ({type(exc).__name__}: {exc})"[:1000])

    def _quarantine(self, raw: bytes, reason: str) -> Inbound:
        mail = read(raw, max_bytes=self.max_bytes)
        with self.db.unit_of_work() as uow:
            if seen(uow, mail):
                return Inbound("duplicate")
            path = self.raw_dir / f"{mail.sha256}.eml"
            if not path.exists():
                write_atomically(path, raw)
            held = hold(
                uow, mail, raw_path=path, status="quarantined", clock=self.clock, reason=reason
            )
            audit.record(
                uow,
                at=self.clock.now(),
                actor=self.actor,
                action="response.quarantine",
                subject=f"inbound:{held}",
                reason=reason,
            )
            return Inbound("quarantined", reason=reason, held_id=held)
