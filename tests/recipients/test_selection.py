"""recipients.selection: keys and groups always in, filters narrow together, warnings by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bootstrap import Services
from errors import InputError, NotFound
from recipients import registry, selection
from recipients.record import AddresseeRecord


def record(key: str, **fields: object) -> AddresseeRecord:
    """A minimal addressee with ``fields`` on top."""
    return AddresseeRecord.model_validate(
        {"key": key, "name": key.title(), "category": "other", "email": f"{key}@x.example"} | fields
    )


REGISTRY = [
    record("mfa-lithuania", category="foreign-ministry", country="LT", tags="eu27;neighbour"),
    record("mfa-poland", category="foreign-ministry", country="PL", tags="eu27;neighbour"),
    record("mfa-norway", category="foreign-ministry", country="NO", tags="nato", email=""),
    record("mfa-old", category="foreign-ministry", country="PL", tags="eu27", defunct=True),
    record("gov-poland", category="government", country="PL", tags="eu27;neighbour"),
    record("us-caucus", category="us-caucus", country="US", tags="congress"),
    record("european-commission", category="eu-institution", country="EU"),
]


@pytest.fixture
def registry_db(services: Services) -> Services:
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow, REGISTRY, source_name="t", update=False, actor="t", clock=services.clock
        )
    return services


def pick(s: Services, **fields: list[str]) -> selection.Targeted:
    with s.db.unit_of_work(write=False) as uow:
        return selection.resolve(uow, selection.Selection.model_validate(fields))


def keys(targeted: selection.Targeted) -> list[str]:
    return [row.key for row in targeted.addressees]


def test_keys_are_selected_in_key_order(registry_db: Services) -> None:
    """Listed keys are selected, ordered by key."""
    assert keys(pick(registry_db, keys=["us-caucus", "mfa-poland"])) == ["mfa-poland", "us-caucus"]


def test_filters_narrow_together(registry_db: Services) -> None:
    """Category and tag together select foreign ministries that carry the tag, nothing more."""
    chosen = pick(registry_db, categories=["foreign-ministry"], tags=["eu27"])
    assert keys(chosen) == ["mfa-lithuania", "mfa-poland"]


def test_values_within_a_filter_are_alternatives(registry_db: Services) -> None:
    """Two countries select addressees of either country, whatever the case they are written in."""
    assert keys(pick(registry_db, countries=["lt", "Us"])) == ["mfa-lithuania", "us-caucus"]


def test_keys_add_to_filters(registry_db: Services) -> None:
    """A key outside the filters is still selected."""
    chosen = pick(registry_db, keys=["european-commission"], tags=["neighbour"])
    assert keys(chosen) == ["european-commission", "gov-poland", "mfa-lithuania", "mfa-poland"]


def test_exclude_removes_keys(registry_db: Services) -> None:
    """An excluded key is dropped even when a filter selects it."""
    chosen = pick(registry_db, categories=["foreign-ministry"], exclude=["mfa-poland"])
    assert keys(chosen) == ["mfa-lithuania", "mfa-norway"]


def test_defunct_is_skipped_with_a_warning(registry_db: Services) -> None:
    """A defunct addressee named by key is not selected, and the warning names it."""
    chosen = pick(registry_db, keys=["mfa-old"])
    assert keys(chosen) == []
    assert chosen.warnings == ["mfa-old: defunct, skipped"]


def test_no_channel_and_unknown_keys_warn(registry_db: Services) -> None:
    """An addressee without any channel is selected with a warning; an unknown key warns."""
    chosen = pick(registry_db, keys=["mfa-norway", "mfa-atlantis"])
    assert keys(chosen) == ["mfa-norway"]
    assert chosen.warnings == [
        "mfa-atlantis: not in the registry; add it with advocacy recipients import FILE",
        "mfa-norway: no contact channel; add one with advocacy recipients set mfa-norway "
        "email=… (or postal_address=… or web_form=…)",
    ]


def test_groups_expand(registry_db: Services, tmp_path: Path) -> None:
    """A saved group used in a selection contributes its addressees."""
    path = tmp_path / "groups.yaml"
    path.write_text(
        "ministries:\n  title: EU ministries\n  categories: [foreign-ministry]\n  tags: [eu27]\n"
    )
    with registry_db.db.unit_of_work() as uow:
        selection.save_groups(uow, selection.read_groups(path), clock=registry_db.clock)
    chosen = pick(registry_db, groups=["ministries"], keys=["us-caucus"])
    assert keys(chosen) == ["mfa-lithuania", "mfa-poland", "us-caucus"]


def test_unknown_group_is_an_error(registry_db: Services) -> None:
    """Naming a group that does not exist is refused with the known groups listed."""
    with pytest.raises(NotFound, match="no addressee group 'nope'"):
        pick(registry_db, groups=["nope"])


def test_bad_group_file_names_line_and_field(tmp_path: Path) -> None:
    """A group with an unknown category is rejected at its line, naming the group and field."""
    path = tmp_path / "groups.yaml"
    path.write_text(
        "good:\n  title: Fine\n  tags: [eu27]\nbad:\n  title: Broken\n  categories: [ministry]\n"
    )
    with pytest.raises(InputError) as caught:
        selection.read_groups(path)
    assert [str(p).split(": ")[:2] for p in caught.value.problems] == [
        [f"{path}:6", "bad.categories.0"]
    ]


def test_empty_selection_is_refused() -> None:
    """A selection naming nothing is invalid rather than meaning 'everyone'."""
    with pytest.raises(ValueError, match="select at least one"):
        selection.Selection()
