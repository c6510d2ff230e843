"""The world benchmarks start from: real services on a private SQLite file, the example campaign.

Rule: everything is built by the real composition root (``bootstrap.build``) with a fixed clock
and the in-memory transport, inside the benchmark's own directory; nothing reads ``.env`` or
writes ``var/``. Close the services when done (the runner then deletes the directory).
"""

from __future__ import annotations

from pathlib import Path

import bootstrap
from campaigns.appeal import load_appeal
from campaigns.signatures import set_count
from campaigns.store import create_campaign
from delivery.memory import MemoryTransport
from letters.compose import ComposedLetter
from letters.service import compose_pending
from recipients import registry
from settings import ROOT, Settings
from timeutil import FixedClock

EXAMPLES = ROOT / "examples"
CAMPAIGN = "derecognise-lukashenka"
ACTOR = "bench"


def services_in(
    workdir: Path, *, database: str = "advocacy.db", transport: MemoryTransport | None = None
) -> bootstrap.Services:
    """Migrated services whose database file (named ``database``) and data live in ``workdir``."""
    settings = Settings(
        database_url=f"sqlite:///{workdir / database}",
        data_dir=workdir / "var",
        smtp_url=None,
        secret_key="bench-secret",  # noqa: S106 - signs tokens in a throwaway database
        _env_file=None,
    )
    services = bootstrap.build(
        settings, clock=FixedClock(), transport=transport or MemoryTransport()
    )
    services.migrate()
    return services


def example_batch(services: bootstrap.Services, count: int = 15_240) -> int:
    """Load the example addressees and appeal, pass the first milestone; return the batch id."""
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow,
            registry.read_file(EXAMPLES / "addressees-demo.csv"),
            source_name="demo",
            update=False,
            actor=ACTOR,
            clock=services.clock,
        )
        create_campaign(
            uow,
            load_appeal(EXAMPLES / "appeal-derecognition.yaml"),
            actor=ACTOR,
            clock=services.clock,
        )
    with services.db.unit_of_work() as uow:
        outcome = set_count(
            uow,
            CAMPAIGN,
            count,
            as_of=None,
            source=ACTOR,
            identities=services.identities,
            actor=ACTOR,
            clock=services.clock,
            policy=services.missed_policy,
        )
        if outcome.batch is None:
            raise RuntimeError(f"{count} signatures fired no milestone of {CAMPAIGN}")
        return outcome.batch.id


def composed_letters(services: bootstrap.Services, batch_id: int) -> list[ComposedLetter]:
    """The batch's (pending) letters, composed by ``render_batch``'s own composition."""
    _, letters, failed = compose_pending(services.db, batch_id, services.identities, None)
    if failed:
        raise RuntimeError(f"letters of batch {batch_id} could not be composed: {failed}")
    return letters
