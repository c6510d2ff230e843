"""Small steps many tests share: load the example registry and appeal, reach the milestone."""

from __future__ import annotations

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.signatures import set_count
from campaigns.store import create_campaign
from letters.service import RenderSummary, render_batch
from recipients import registry
from settings import ROOT

EXAMPLES = ROOT / "examples"
CAMPAIGN = "derecognise-lukashenka"


def load_examples(s: Services) -> None:
    """Import the demo addressees and create the example campaign."""
    with s.db.unit_of_work() as uow:
        registry.import_records(
            uow,
            registry.read_file(EXAMPLES / "addressees-demo.csv"),
            source_name="demo",
            update=False,
            actor="test",
            clock=s.clock,
        )
        create_campaign(
            uow, load_appeal(EXAMPLES / "appeal-derecognition.yaml"), actor="test", clock=s.clock
        )


def reach_milestone(s: Services, count: int = 15_240) -> int:
    """Set the count past the first milestone; return the new batch id."""
    with s.db.unit_of_work() as uow:
        outcome = set_count(
            uow,
            CAMPAIGN,
            count,
            as_of=None,
            source="test",
            identities=s.identities,
            actor="test",
            clock=s.clock,
        )
        assert outcome.batch is not None
        return outcome.batch.id


def render(s: Services, batch_id: int) -> RenderSummary:
    return render_batch(
        s.db,
        batch_id,
        renderers=s.renderers,
        identities=s.identities,
        documents_dir=s.settings.documents_dir,
        actor="test",
        clock=s.clock,
    )
