"""recipients.selection reads only the rows a selection can match: the result is the same as
reading the whole registry, for any selection, and ``resolve_facts`` agrees with ``resolve``."""

from __future__ import annotations

from dataclasses import fields

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import ColumnElement, insert, true

from bootstrap import Services
from recipients import registry, selection
from recipients.record import AddresseeRecord
from storage.tables import Addressee


def record(key: str, **fields: object) -> AddresseeRecord:
    """A minimal addressee with ``fields`` on top."""
    return AddresseeRecord.model_validate(
        {"key": key, "name": key.title(), "category": "other", "email": f"{key}@x.example"} | fields
    )


REGISTRY = [
    record("mfa-lithuania", category="foreign-ministry", country="LT", tags="eu27;neighbour"),
    record("mfa-poland", category="foreign-ministry", country="PL", tags="EU27;a%b"),
    record("mfa-norway", category="foreign-ministry", country="NO", tags="nato;x_y", email=""),
    record("mfa-old", category="foreign-ministry", country="PL", tags="eu27", defunct=True),
    record("gov-poland", category="government", country="PL", tags="eu27x"),
    record("us-caucus", category="us-caucus", country="US", tags="congress"),
    record("european-commission", category="eu-institution", country="EU"),
]
KEYS = [r.key for r in REGISTRY] + ["not-registered"]
CATEGORIES = ["foreign-ministry", "government", "us-caucus", "eu-institution", "parliament"]
COUNTRIES = ["LT", "pl", "PL", "No", "us", "EU", "XX"]
TAGS = ["eu27", "EU27", "eu", "neighbour", "a%b", "%", "x_y", "x", "_", " eu27", "nato"]

SELECTIONS = st.fixed_dictionaries(
    {},
    optional={
        "keys": st.lists(st.sampled_from(KEYS), max_size=3),
        "categories": st.lists(st.sampled_from(CATEGORIES), max_size=2),
        "countries": st.lists(st.sampled_from(COUNTRIES), max_size=2),
        "tags": st.lists(st.sampled_from(TAGS), max_size=2),
        "exclude": st.lists(st.sampled_from(KEYS), max_size=2),
    },
)


@pytest.fixture
def registry_db(services: Services) -> Services:
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow, REGISTRY, source_name="t", update=False, actor="t", clock=services.clock
        )
        # Written past the importer, which would normalise the tags: a stray space stays.
        values = {"name": "Raw", "category": "government", "country": "lt", "tags": " eu27 ;x"}
        uow.execute(
            insert(Addressee).values(key="raw-row", updated_at=services.clock.now(), **values)
        )
    return services


def _everything(parts: list[selection.Selection], wanted: set[str]) -> ColumnElement[bool]:
    return true()


def _both(s: Services, chosen: selection.Selection) -> tuple[selection.Targeted, ...]:
    """``resolve`` as shipped, and ``resolve`` reading the whole registry (no SQL narrowing)."""
    with s.db.unit_of_work(write=False) as uow:
        narrowed = selection.resolve(uow, chosen)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(selection, "_may_match", _everything)
            whole = selection.resolve(uow, chosen)
    return narrowed, whole


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=SELECTIONS)
def test_narrowing_never_changes_the_result(
    registry_db: Services, fields: dict[str, object]
) -> None:
    """Any selection picks the same addressees with the same warnings as a whole-registry read,
    and its facts name the same addressees in the same order."""
    try:
        chosen = selection.Selection.model_validate(fields)
    except ValidationError:
        assume(False)
        raise
    narrowed, whole = _both(registry_db, chosen)
    assert [a.key for a in narrowed.addressees] == [a.key for a in whole.addressees]
    assert narrowed.warnings == whole.warnings
    with registry_db.db.unit_of_work(write=False) as uow:
        facts = selection.resolve_facts(uow, chosen)
    assert [f.key for f in facts] == [a.key for a in whole.addressees]


def test_many_keys_are_read_without_narrowing(registry_db: Services) -> None:
    """A selection of more keys than a statement takes as parameters still resolves: the known
    ones are selected, each unknown one warned about."""
    unknown = [f"unknown-{n:05d}" for n in range(selection._KEYS_IN_SQL + 1)]
    chosen = selection.Selection(keys=["mfa-poland", *unknown])
    narrowed, whole = _both(registry_db, chosen)
    assert [a.key for a in narrowed.addressees] == ["mfa-poland"]
    assert len(narrowed.warnings) == len(unknown)
    assert narrowed.warnings == whole.warnings


def test_facts_carry_the_columns_of_the_row(registry_db: Services) -> None:
    """Each fact is the value of the addressee's column of the same name."""
    with registry_db.db.unit_of_work(write=False) as uow:
        (fact,) = selection.resolve_facts(uow, selection.Selection(keys=["mfa-norway"]))
        (orm,) = selection.resolve(uow, selection.Selection(keys=["mfa-norway"])).addressees
        names = [f.name for f in fields(fact)]
        assert [getattr(fact, name) for name in names] == [getattr(orm, name) for name in names]
