"""safecsv: the one CSV writer neutralises formula cells, and the registry reads them back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import safecsv
from bootstrap import Services
from recipients import registry
from recipients.record import AddresseeRecord
from responses.publish import to_csv
from responses.report import ReportRow


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=x", "''-y"])
def test_formula_cells_are_marked_and_restored(value: str) -> None:
    """A cell a spreadsheet would run gets a leading quote; restore gives the value back."""
    written = safecsv.cell(value)
    assert written == "'" + value
    assert safecsv.restore(written) == value


@pytest.mark.parametrize("value", ["Ministry", "'quoted'", "a=b", "", "1-2"])
def test_plain_text_is_left_alone(value: str) -> None:
    """Text that cannot start a formula is written and read back unchanged."""
    assert safecsv.cell(value) == value
    assert safecsv.restore(value) == value


def test_numbers_are_left_alone() -> None:
    """A negative number from Python is a number, not a formula."""
    assert safecsv.text([["n"], [-3]]) == "n\n-3\n"


def test_registry_export_neutralises_a_name(services: Services, tmp_path: Path) -> None:
    """A registry name starting with '=' comes out quoted in the CSV export and is read back as
    the same name."""
    record = AddresseeRecord(key="evil", name='=HYPERLINK("http://x.example")', category="other")
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow, [record], source_name="t", update=False, actor="t", clock=services.clock
        )
        exported = registry.export(registry.list_addressees(uow), "csv")
    (row,) = csv.DictReader(io.StringIO(exported))
    assert row["name"] == "'" + record.name
    path = tmp_path / "back.csv"
    path.write_text(exported)
    assert registry.read_file(path)[0].name == record.name


def test_report_csv_neutralises_a_reply_summary() -> None:
    """`advocacy report --format csv` (publish.to_csv): a summary starting with '=' is quoted."""
    row = ReportRow("k", "-Name", "sent", "sent", None, "responded", None, None, "email", "=cmd")
    (parsed,) = csv.DictReader(io.StringIO(to_csv([row]).decode()))
    assert (parsed["summary"], parsed["addressee_name"]) == ("'=cmd", "'-Name")
