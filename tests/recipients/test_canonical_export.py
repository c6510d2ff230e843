"""registry.export is canonical: export → import into an empty registry → export gives the same
bytes in every format, starting from the bundled registry (recipients/data/registry.yaml).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete

from bootstrap import Services
from recipients import registry
from recipients.record import AddresseeRecord
from settings import ROOT
from storage.tables import Addressee, AuditEntry

BUNDLED = ROOT / "recipients" / "data" / "registry.yaml"


def import_file(s: Services, path: Path) -> None:
    records = registry.read_file(path)
    with s.db.unit_of_work() as uow:
        registry.import_records(
            uow, records, source_name=path.name, update=False, actor="tester", clock=s.clock
        )


def exported(s: Services, fmt: str) -> str:
    with s.db.unit_of_work(write=False) as uow:
        return registry.export(registry.list_addressees(uow), fmt)


def empty_registry(s: Services) -> None:
    """Delete every addressee and audit entry, leaving the registry as a fresh database has it."""
    with s.db.unit_of_work() as uow:
        uow.execute(delete(AuditEntry))
        uow.execute(delete(Addressee))


@pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
def test_export_import_export_is_byte_identical(
    services: Services, tmp_path: Path, fmt: str
) -> None:
    """The bundled registry exported, imported into an empty registry and exported again gives
    the same bytes."""
    import_file(services, BUNDLED)
    first = exported(services, fmt)
    path = tmp_path / f"registry.{fmt}"
    path.write_bytes(first.encode())
    empty_registry(services)
    import_file(services, path)
    assert exported(services, fmt).encode() == first.encode()
    assert first.count("foreign-ministry") == 43  # the whole registry, not an empty file twice


def rows(*records: AddresseeRecord) -> list[Addressee]:
    """Unsaved rows holding ``records``: export reads nothing else."""
    return [Addressee(**record.model_dump()) for record in records]


LATVIA = AddresseeRecord(
    key="mfa-latvia",
    name="Ministry of Foreign Affairs of the Republic of Latvia, Brīvības bulvāris, Riga, Latvia",
    category="foreign-ministry",
    country="LV",
    postal_address="K. Valdemāra iela 3\nRīga, LV-1395",
    verified_on=date(2021, 9, 1),
    defunct=True,
)
APPG = AddresseeRecord(key="appg-belarus", name="APPG on Belarus", category="uk-appg")


@pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
def test_rows_are_ordered_by_key(fmt: str) -> None:
    """Rows come out by key whatever order they are given in."""
    text = registry.export(rows(LATVIA, APPG), fmt)
    assert text == registry.export(rows(APPG, LATVIA), fmt)
    assert text.index("appg-belarus") < text.index("mfa-latvia")


def test_csv_writes_booleans_as_json_and_yaml_do() -> None:
    """CSV cells hold true/false, not Python's True/False."""
    text = registry.export(rows(LATVIA, APPG), "csv")
    assert [row["defunct"] for row in csv.DictReader(io.StringIO(text))] == ["false", "true"]


def test_yaml_writes_a_postal_address_as_a_block() -> None:
    """A multi-line postal address is a literal block, one address line per YAML line."""
    text = registry.export(rows(LATVIA), "yaml")
    assert "  postal_address: |-\n    K. Valdemāra iela 3\n    Rīga, LV-1395\n" in text


def test_yaml_keeps_long_values_on_one_line() -> None:
    """A value longer than 80 characters is not folded, so changing it is a one-line diff."""
    text = registry.export(rows(LATVIA), "yaml")
    assert f"  name: {LATVIA.name}\n" in text
    assert yaml.safe_load(text)[0]["name"] == LATVIA.name
