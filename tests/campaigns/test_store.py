"""campaigns.store: creating an appeal twice is a no-op; a changed appeal needs an update."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.store import appeal_of, create_campaign, get_campaign, update_campaign
from errors import Conflict, NotFound
from storage import audit
from storage.tables import Campaign
from tests.campaigns.steps import count, rows, start_campaign, with_milestones
from tests.helpers import CAMPAIGN, EXAMPLES

APPEAL = EXAMPLES / "appeal-derecognition.yaml"


def create(s: Services, path: Path) -> tuple[Campaign, bool]:
    with s.db.unit_of_work() as uow:
        return create_campaign(uow, load_appeal(path), actor="t", clock=s.clock)


def update(s: Services, path: Path) -> Campaign:
    with s.db.unit_of_work() as uow:
        return update_campaign(uow, load_appeal(path), actor="t", clock=s.clock)


@pytest.fixture
def changed(examples: Path) -> Path:
    """The example appeal with a third milestone added."""
    return with_milestones(
        examples,
        "  - key: goal-15000\n    signatures: 15000\n"
        "  - key: goal-50000\n    signatures: 50000\n"
        "  - key: goal-100000\n    signatures: 100000\n",
    )


class TestCreate:
    def test_create_stores_version_one(self, services: Services) -> None:
        """A new campaign is stored at version 1 and reported as created."""
        campaign, created = create(services, APPEAL)
        assert (campaign.key, campaign.version, created) == (CAMPAIGN, 1, True)

    def test_stored_definition_reads_back(self, services: Services) -> None:
        """The appeal read back from the database equals the file's."""
        create(services, APPEAL)
        with services.db.unit_of_work(write=False) as uow:
            assert appeal_of(get_campaign(uow, CAMPAIGN)) == load_appeal(APPEAL)

    def test_same_file_twice_is_a_no_op(self, services: Services) -> None:
        """Creating from the same file again returns the stored campaign, unchanged."""
        first, _ = create(services, APPEAL)
        again, created = create(services, APPEAL)
        assert (again.id, again.version, created) == (first.id, 1, False)
        assert rows(services, Campaign) == 1

    def test_changed_file_is_a_conflict(self, services: Services, changed: Path) -> None:
        """Creating a different definition under an existing key says to update instead."""
        create(services, APPEAL)
        with pytest.raises(Conflict, match="campaign update"):
            create(services, changed)
        with services.db.unit_of_work(write=False) as uow:
            assert len(appeal_of(get_campaign(uow, CAMPAIGN)).milestones) == 3

    def test_unknown_campaign(self, services: Services) -> None:
        """Looking up a campaign that does not exist lists the known ones."""
        create(services, APPEAL)
        with services.db.unit_of_work(write=False) as uow, pytest.raises(NotFound, match=CAMPAIGN):
            get_campaign(uow, "nope")


class TestUpdate:
    def test_update_bumps_the_version(self, services: Services, changed: Path) -> None:
        """A changed definition becomes version 2 and replaces the stored appeal."""
        create(services, APPEAL)
        campaign = update(services, changed)
        assert campaign.version == 2
        with services.db.unit_of_work(write=False) as uow:
            assert appeal_of(get_campaign(uow, CAMPAIGN)) == load_appeal(changed)

    def test_update_is_audited(self, services: Services, changed: Path) -> None:
        """An update leaves an audit entry with the new version."""
        create(services, APPEAL)
        update(services, changed)
        with services.db.unit_of_work(write=False) as uow:
            entry = audit.entries(uow)[-1]
            assert (entry.action, entry.details["version"]) == ("campaign.update", 2)

    def test_identical_update_keeps_the_version(self, services: Services) -> None:
        """Updating with the stored definition changes nothing."""
        create(services, APPEAL)
        assert update(services, APPEAL).version == 1

    def test_create_after_update_is_a_no_op(self, services: Services, changed: Path) -> None:
        """Once updated, creating from the new file is recognised as the same definition."""
        create(services, APPEAL)
        update(services, changed)
        campaign, created = create(services, changed)
        assert (campaign.version, created) == (2, False)

    def test_update_of_unknown_campaign(self, services: Services) -> None:
        """Updating a campaign that was never created is NotFound."""
        with pytest.raises(NotFound):
            update(services, APPEAL)

    def test_batches_record_the_version(self, services: Services, changed: Path) -> None:
        """A batch made after an update records the version it was made from."""
        start_campaign(services)
        update(services, changed)
        batch = count(services, 15_000).batch
        assert batch is not None
        assert batch.campaign_version == 2
