"""The bundled registry (recipients/data/registry.yaml) and its saved groups (groups.yaml)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import yaml

from bootstrap import Services
from recipients import registry, selection
from recipients.record import CONTACTS, AddresseeRecord
from settings import ROOT

DATA = ROOT / "recipients" / "data"
REGISTRY = DATA / "registry.yaml"
GROUPS: dict[str, dict[str, Any]] = yaml.safe_load((DATA / "groups.yaml").read_text("utf-8"))
EXPECTED = {
    "eu27-foreign-ministries": 27,
    "eu27-governments": 27,
    "eu-institutions": 5,
    "us-congress-caucuses": 2,
    "uk-parliament-and-government": 3,
    "allied-foreign-ministries-2021": 42,
    "derecognition-2021": 50,
    "eu-leaders-2020": 30,
    "warsaw-appeal-2023": 30,
}


@pytest.fixture(scope="module")
def records() -> list[AddresseeRecord]:
    return registry.read_file(REGISTRY)


def categories(records: list[AddresseeRecord]) -> Counter[str]:
    return Counter(record.category for record in records)


def test_bundled_registry_validates() -> None:
    """The bundled file passes read_file, which raises InputError on any bad or duplicate row."""
    assert registry.read_file(REGISTRY)


def test_forty_three_foreign_ministries(records: list[AddresseeRecord]) -> None:
    """The 42 ministries of seed 004 plus the UK FCDO make exactly 43 foreign ministries."""
    assert categories(records)["foreign-ministry"] == 43


def test_two_us_caucuses(records: list[AddresseeRecord]) -> None:
    """The Senate and House Belarus caucuses are the only us-caucus entries."""
    assert categories(records)["us-caucus"] == 2


def test_one_uk_appg(records: list[AddresseeRecord]) -> None:
    """The APPG on Belarus is the only uk-appg entry."""
    assert categories(records)["uk-appg"] == 1


def test_twenty_seven_eu_governments(records: list[AddresseeRecord]) -> None:
    """Exactly one government per EU member state carries the eu27 tag."""
    governments = [r for r in records if r.category == "government" and "eu27" in r.tags.split(";")]
    assert len({r.country for r in governments}) == len(governments) == 27


def test_postal_address_and_website_with_source(records: list[AddresseeRecord]) -> None:
    """At least 75 of the 80 entries ship a postal address and a website, each with a source."""
    sourced = [
        r.key
        for r in records
        if r.postal_address and r.postal_address_source and r.website and r.website_source
    ]
    assert len(sourced) >= 75


def test_every_shipped_contact_has_a_source(records: list[AddresseeRecord]) -> None:
    """No contact value is shipped without the place it is published."""
    unsourced = [
        (r.key, contact)
        for r in records
        for contact in CONTACTS
        if getattr(r, contact) and not getattr(r, f"{contact}_source")
    ]
    assert unsourced == []


def test_no_shipped_contact_claims_a_confirmation(records: list[AddresseeRecord]) -> None:
    """Nobody here has confirmed a contact, so no verified_on is set: all are unconfirmed."""
    dated = [
        r.key
        for r in records
        if r.verified_on or any(getattr(r, f"{c}_verified_on") for c in CONTACTS)
    ]
    assert dated == []


def test_seed_004_group_is_the_fifty_it_names() -> None:
    """derecognition-2021 is a list of the 50 keys seed 004 names, each in the registry once."""
    keys = GROUPS["derecognition-2021"]["keys"]
    assert len(keys) == len(set(keys)) == 50
    assert "categories" not in GROUPS["derecognition-2021"]


def test_keys_are_unique() -> None:
    """Every key in the raw file occurs once."""
    keys = [item["key"] for item in yaml.safe_load(REGISTRY.read_text("utf-8"))]
    assert [key for key, n in Counter(keys).items() if n > 1] == []


def test_groups_file_validates() -> None:
    """groups.yaml passes read_groups, which names file, line and field of any problem."""
    assert set(selection.read_groups(DATA / "groups.yaml")) == set(GROUPS)


@pytest.mark.parametrize("name", sorted(GROUPS))
def test_group_names_only_existing_values(name: str, records: list[AddresseeRecord]) -> None:
    """Every key, category, country and tag a group names occurs in the registry."""
    known: dict[str, set[str]] = {
        "keys": {r.key for r in records},
        "categories": {r.category for r in records},
        "countries": {r.country for r in records},
        "tags": {tag for r in records for tag in r.tags.split(";") if tag},
    }
    unknown = {
        field: sorted(set(GROUPS[name].get(field, [])) - values) for field, values in known.items()
    }
    assert unknown == {field: [] for field in known}


def test_groups_select_the_expected_addressees(services: Services) -> None:
    """Imported into a database, each saved group selects the number of addressees it names."""
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow,
            registry.read_file(REGISTRY),
            source_name="bundled",
            update=False,
            actor="test",
            clock=services.clock,
        )
        selection.save_groups(
            uow, selection.read_groups(DATA / "groups.yaml"), clock=services.clock
        )
    with services.db.unit_of_work(write=False) as uow:
        sizes = {
            name: len(selection.resolve(uow, selection.Selection(groups=[name])).addressees)
            for name in GROUPS
        }
    assert all(sizes.values())
    assert {name: sizes[name] for name in EXPECTED} == EXPECTED
