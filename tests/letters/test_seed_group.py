"""The seed-004 group (every addressee of the 2021 petition) renders whole, Japan and Korea too."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.store import create_campaign
from recipients import registry, selection
from recipients.selection import Selection
from settings import ROOT
from storage.tables import Addressee, Letter
from tests.helpers import APPEAL, reach_milestone, render
from tests.markers import SQLITE_ONLY

pytestmark = [SQLITE_ONLY, pytest.mark.slow]  # the PostgreSQL run adds nothing here (tests.helpers)

BUNDLED = ROOT / "recipients" / "data"
# As a letter from abroad is addressed: the English name first, then the Latin-script address.
POSTAL = {
    "mfa-japan": "Ministry of Foreign Affairs of Japan\n2-2-1 Kasumigaseki, Chiyoda-ku\n"
    "Tokyo 100-8919\nJapan",
    "mfa-south-korea": "Ministry of Foreign Affairs of the Republic of Korea\n60 Sajik-ro 8-gil, "
    "Jongno-gu\nSeoul 03172\nRepublic of Korea",
}


def test_every_letter_of_the_seed_group_renders(services: Services) -> None:
    """All letters of the derecognition-2021 group render, the Japanese and Korean ministries
    (official names the fonts cannot draw) addressed by their registry names."""
    with services.db.unit_of_work() as uow:
        records = registry.read_file(BUNDLED / "registry.yaml")
        registry.import_records(
            uow, records, source_name="bundled", update=False, actor="t", clock=services.clock
        )
        selection.save_groups(
            uow, selection.read_groups(BUNDLED / "groups.yaml"), clock=services.clock
        )
        for key, lines in POSTAL.items():
            uow.execute(update(Addressee).where(Addressee.key == key).values(postal_address=lines))
        appeal = load_appeal(APPEAL).model_copy(
            update={"targets": Selection(groups=["derecognition-2021"])}
        )
        create_campaign(uow, appeal, actor="t", clock=services.clock)
    batch = reach_milestone(services)
    summary = render(services, batch)
    assert summary.failed == []
    with services.db.unit_of_work(write=False) as uow:
        letters = uow.scalars(select(Letter.id).where(Letter.batch_id == batch)).all()
    assert summary.rendered == len(letters) >= 40
