"""Updates that lose nothing: a file (CSV, YAML or JSON) changes only the columns it has."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bootstrap import Services
from errors import InputError
from recipients import registry, selection
from recipients.export import stored_fields
from recipients.record import FIELDS, AddresseeRecord

# Every field with a value that is not its default, and another valid value for each.
BEFORE: dict[str, Any] = {
    "key": "mfa-poland",
    "name": "Ministry of Foreign Affairs of Poland",
    "official_name": "Ministerstwo Spraw Zagranicznych",
    "office": "ministry",
    "person": "A. Person",
    "title": "Minister",
    "holder_since": "2023-12-13",
    "category": "foreign-ministry",
    "country": "PL",
    "languages": "pl;en",
    "email": "old@mfa.example",
    "email_source": "mfa.example contact page",
    "email_verified_on": "2024-01-02",
    "postal_address": "al. J. Ch. Szucha 23\n00-580 Warszawa\nPoland",
    "postal_address_source": "gov.pl contact page",
    "postal_address_verified_on": "2024-01-03",
    "web_form": "https://mfa.example/form",
    "web_form_source": "gov.pl",
    "web_form_verified_on": "2024-01-04",
    "website": "https://mfa.example",
    "website_source": "official site",
    "website_verified_on": "2024-01-05",
    "salutation": "Dear Minister",
    "tags": "eu27;nato;neighbour",
    "source": "seed 004",
    "verified_on": "2024-01-06",
    "defunct": False,
}
AFTER: dict[str, Any] = {
    "name": "MFA of the Republic of Poland",
    "official_name": "MSZ",
    "office": "minister",
    "person": "B. Person",
    "title": "Deputy Minister",
    "holder_since": "2025-01-01",
    "category": "government",
    "country": "LT",
    "languages": "lt;en",
    "email": "new@mfa.example",
    "email_source": "letterhead",
    "email_verified_on": "2025-02-02",
    "postal_address": "Other Street 1\n00-001 Warszawa",
    "postal_address_source": "phone call",
    "postal_address_verified_on": "2025-02-03",
    "web_form": "https://mfa.example/new-form",
    "web_form_source": "site map",
    "web_form_verified_on": "2025-02-04",
    "website": "https://new.mfa.example",
    "website_source": "registry of domains",
    "website_verified_on": "2025-02-05",
    "salutation": "Dear Sir or Madam",
    "tags": "eu27",
    "source": "seed 002",
    "verified_on": "2025-02-06",
    "defunct": True,
}
PROVENANCE = ("_source", "_verified_on")


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    if path.suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {k: str(v).lower() if isinstance(v, bool) else v for k, v in r.items()} for r in rows
        )
        path.write_text(out.getvalue())
    elif path.suffix == ".json":
        path.write_text(json.dumps(rows))
    else:
        path.write_text(yaml.safe_dump(rows, allow_unicode=True))
    return path


def load(s: Services, path: Path, *, update: bool = True) -> registry.ImportReport:
    located = registry.read_located(path)
    with s.db.unit_of_work() as uow:
        return registry.import_records(
            uow,
            [r for r, _ in located],
            source_name=path.name,
            update=update,
            actor="tester",
            clock=s.clock,
            lines={r.key: line for r, line in located},
        )


def stored(s: Services, key: str = "mfa-poland") -> dict[str, Any]:
    with s.db.unit_of_work(write=False) as uow:
        (row,) = [r for r in registry.list_addressees(uow) if r.key == key]
        return stored_fields(row)


def group_size(s: Services) -> int:
    with s.db.unit_of_work() as uow:
        group = selection.Group(
            title="EU27 ministries", categories=["foreign-ministry"], tags=["eu27"]
        )
        selection.save_groups(uow, {"eu27": group}, clock=s.clock)
        return len(selection.resolve(uow, selection.Selection(groups=["eu27"])).addressees)


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".json"])
def test_each_column_alone_changes_only_itself(
    services: Services, tmp_path: Path, suffix: str
) -> None:
    """For every column, a file of key + that column changes that field and nothing else
    (a changed contact also drops the old value's source and confirmation)."""
    load(services, write(tmp_path / f"base{suffix}", [BEFORE]), update=False)
    for name, value in AFTER.items():
        expected = stored(services) | {name: value}
        if name in ("email", "postal_address", "web_form", "website"):
            expected |= {f"{name}_source": "", f"{name}_verified_on": None}
        write(tmp_path / f"one{suffix}", [{"key": "mfa-poland", name: value}])
        report = load(services, tmp_path / f"one{suffix}")
        assert report.updated == ["mfa-poland"], name
        assert stored(services) == expected, name


@pytest.mark.parametrize("suffix", [".csv", ".yaml", ".json"])
def test_key_and_email_keeps_tags_and_group_membership(
    services: Services, tmp_path: Path, suffix: str
) -> None:
    """`key,email` with update changes the email; languages, tags and groups stay as they were."""
    load(services, write(tmp_path / f"base{suffix}", [BEFORE]), update=False)
    members = group_size(services)
    load(
        services,
        write(tmp_path / f"email{suffix}", [{"key": "mfa-poland", "email": "x@pl.example"}]),
    )
    after = stored(services)
    assert after["email"] == "x@pl.example"
    unchanged = [f for f in FIELDS if not f.startswith("email")]
    assert {f: after[f] for f in unchanged} == {f: BEFORE[f] for f in unchanged}
    assert group_size(services) == members == 1


def test_empty_cell_in_a_present_column_clears_it(services: Services, tmp_path: Path) -> None:
    """An empty cell clears its field; an absent column keeps its value."""
    load(services, write(tmp_path / "base.csv", [BEFORE]), update=False)
    load(services, write(tmp_path / "clear.csv", [{"key": "mfa-poland", "salutation": ""}]))
    after = stored(services)
    assert (after["salutation"], after["person"]) == ("", "A. Person")


def test_a_new_key_without_name_and_category_is_refused(services: Services, tmp_path: Path) -> None:
    """A row that would create an addressee must name it and its category; the problem is
    located at the row's line."""
    path = write(tmp_path / "new.csv", [{"key": "mfa-japan", "email": "a@mofa.example"}])
    with pytest.raises(InputError) as error:
        load(services, path)
    assert [str(p) for p in error.value.problems] == [
        "new.csv:2: name: is missing (new addressee 'mfa-japan')",
        "new.csv:2: category: is missing (new addressee 'mfa-japan')",
    ]


def test_update_report_lists_each_changed_field(services: Services, tmp_path: Path) -> None:
    """The report (what --dry-run prints) holds each changed field's old and new value."""
    load(services, write(tmp_path / "base.csv", [BEFORE]), update=False)
    report = load(
        services,
        write(tmp_path / "t.csv", [{"key": "mfa-poland", "title": "Minister", "person": "C"}]),
    )
    assert report.changes == {"mfa-poland": {"person": ["A. Person", "C"]}}


def test_history_records_the_fields_changed(services: Services, tmp_path: Path) -> None:
    """The update's audit entry names each changed field with its old and new value."""
    from recipients.provenance import field_history

    load(services, write(tmp_path / "base.csv", [BEFORE]), update=False)
    load(services, write(tmp_path / "t.csv", [{"key": "mfa-poland", "languages": "pl"}]))
    with services.db.unit_of_work(write=False) as uow:
        changes = field_history(uow, "mfa-poland", field="languages")
    assert [(c.action, c.source, c.old, c.new) for c in changes] == [
        ("update", "t.csv", "pl;en", "pl")
    ]


def test_a_full_record_still_creates(services: Services) -> None:
    """Records built in code with every required field import as before."""
    record = AddresseeRecord(key="x", name="X", category="other")
    with services.db.unit_of_work() as uow:
        report = registry.import_records(
            uow, [record], source_name="code", update=False, actor="t", clock=services.clock
        )
    assert report.created == ["x"]
