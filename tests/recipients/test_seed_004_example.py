"""The seed-004 example targets the 50 addressees the petition names, each reachable by
email or post from the bundled registry, every contact unconfirmed (so `deliver` warns)."""

from __future__ import annotations

from bootstrap import Services
from campaigns.appeal import load_appeal
from recipients import registry, selection
from recipients.provenance import unconfirmed
from settings import ROOT

DATA = ROOT / "recipients" / "data"
EXAMPLE = ROOT / "examples" / "appeal-derecognition-2021.yaml"


def test_example_reaches_all_fifty_by_email_or_post(services: Services) -> None:
    """Resolved against the bundled registry, the example's targets are 50 addressees, each
    with an email or a postal address and none confirmed yet, with no warning."""
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow,
            registry.read_file(DATA / "registry.yaml"),
            source_name="bundled",
            update=False,
            actor="t",
            clock=services.clock,
        )
        selection.save_groups(
            uow, selection.read_groups(DATA / "groups.yaml"), clock=services.clock
        )
        targeted = selection.resolve(uow, load_appeal(EXAMPLE).targets)
        reachable = [a.key for a in targeted.addressees if a.email or a.postal_address.strip()]
        assert all(unconfirmed(a) for a in targeted.addressees)
    assert targeted.warnings == []
    assert len(reachable) == len(targeted.addressees) == 50
