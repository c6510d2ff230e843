"""Steps the campaign tests share: an appeal with chosen milestones, counts, and what was stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bootstrap import Services
from storage.tables import Base, Batch, MilestoneFiring
from tests.helpers import load_examples, set_signatures

# The campaign tests' short names for the shared steps: the registry and a campaign from an
# appeal file (the example unless told), then a count recorded in its own unit of work.
start_campaign = load_examples
count = set_signatures


def with_milestones(examples: Path, milestones: str) -> Path:
    """The example appeal (in the writable ``examples`` copy) with its milestones replaced."""
    path = examples / "appeal-derecognition.yaml"
    text = path.read_text()
    start, end = text.index("milestones:"), text.index("template:")
    path.write_text(text[:start] + "milestones:\n" + milestones + "\n" + text[end:])
    return path


def rows(s: Services, table: type[Base]) -> int:
    """How many rows ``table`` holds."""
    with s.db.unit_of_work(write=False) as uow:
        return int(uow.scalar(select(func.count()).select_from(table)) or 0)


def firings(s: Services) -> list[tuple[str, int, int]]:
    """Every milestone firing as (milestone, signature count, batch id), in firing order."""
    with s.db.unit_of_work(write=False) as uow:
        query = select(MilestoneFiring).order_by(MilestoneFiring.id)
        return [(f.milestone_key, f.signature_count, f.batch_id) for f in uow.scalars(query)]


def batch_ids(s: Services) -> list[int]:
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Batch.id).order_by(Batch.id)))
