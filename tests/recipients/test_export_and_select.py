"""registry.export reads back losslessly; and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bootstrap import Services
from errors import UnknownFormat
from recipients import registry
from recipients.record import AddresseeRecord

# Values chosen to trip serialisers: quotes, delimiters, line breaks, YAML's booleans and nulls.
TRICKY = [
    AddresseeRecord(
        key="mfa-norway",
        name='The "Royal" Ministry of Foreign Affairs',
        official_name="Utenriksdepartementet; Det kongelige",
        person="O'Brien",
        title="yes",
        category="foreign-ministry",
        country="NO",
        languages="nb;en",
        email="post@mfa-norway.example",
        postal_address="Postboks 8114 Dep\n0032 Oslo, Norway",
        salutation="Dear Sir, Madam",
        tags="nordic;nato",
        source="null",
        verified_on=date(2021, 9, 1),
    ),
    AddresseeRecord(
        key="eu-parliament",
        name="Европейский парламент",
        category="eu-institution",
        country="EU",
        languages="en;fr;de",
        web_form="https://parliament.example/contact?a=1&b=2",
        source="0123",
        title="1e3",
        defunct=True,
    ),
    AddresseeRecord(key="caucus", name="on", category="us-caucus", person="~", tags="a"),
    AddresseeRecord(key="appg", name='APPG on "Belarus, Ukraine"', category="uk-appg"),
]


def seed(s: Services, records: list[AddresseeRecord]) -> None:
    with s.db.unit_of_work() as uow:
        registry.import_records(
            uow, records, source_name="seed", update=False, actor="t", clock=s.clock
        )


def stored(s: Services) -> list[AddresseeRecord]:
    with s.db.unit_of_work(write=False) as uow:
        return [registry._as_record(row) for row in registry.list_addressees(uow)]


def exported(s: Services, fmt: str) -> str:
    with s.db.unit_of_work(write=False) as uow:
        return registry.export(registry.list_addressees(uow), fmt)


class TestExport:
    @pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
    def test_round_trip_is_lossless(self, services: Services, tmp_path: Path, fmt: str) -> None:
        """Reading an export back gives exactly the stored records."""
        seed(services, TRICKY)
        path = tmp_path / f"registry.{fmt}"
        path.write_text(exported(services, fmt), encoding="utf-8")
        assert registry.read_file(path) == stored(services)
        assert sorted(r.key for r in stored(services)) == sorted(r.key for r in TRICKY)

    @pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
    def test_reimporting_an_export_changes_nothing(
        self, services: Services, tmp_path: Path, fmt: str
    ) -> None:
        """An export imported into the same registry finds every row unchanged."""
        seed(services, TRICKY)
        path = tmp_path / f"registry.{fmt}"
        path.write_text(exported(services, fmt), encoding="utf-8")
        with services.db.unit_of_work() as uow:
            report = registry.import_records(
                uow,
                registry.read_file(path),
                source_name=path.name,
                update=False,
                actor="t",
                clock=services.clock,
            )
        assert (report.created, report.updated) == ([], [])
        assert len(report.unchanged) == len(TRICKY)

    def test_csv_round_trip_of_one_quoted_value(self, services: Services, tmp_path: Path) -> None:
        """A registry whose only quoted value holds quotes and a comma still reads back as is."""
        seed(services, TRICKY[-1:])
        path = tmp_path / "registry.csv"
        path.write_text(exported(services, "csv"), encoding="utf-8")
        assert registry.read_file(path) == TRICKY[-1:]

    def test_unknown_format(self, services: Services) -> None:
        """Asking for a format nobody registered names the known ones."""
        with pytest.raises(UnknownFormat, match="known: csv, json, yaml"):
            exported(services, "xlsx")


def record(key: str, **fields: str | bool) -> AddresseeRecord:
    """A minimal addressee with ``fields`` on top."""
    return AddresseeRecord.model_validate(
        {"key": key, "name": key.title(), "category": "other", **fields}
    )
