"""A CSV with 20 kinds of bad rows is rejected atomically with one message per problem; the same
file with the bad rows removed imports (issue 3's done-criterion, through the real services).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bootstrap import Services
from errors import InputError
from recipients import registry
from recipients.record import FIELDS
from storage.tables import Addressee, AuditEntry


@dataclass(frozen=True)
class Bad:
    """One kind of bad row: what differs from a good row, and the problem it must cause."""

    kind: str
    cells: dict[str, str]
    field: str
    message: str
    extra: tuple[str, ...] = ()


def good(n: int, **cells: str) -> dict[str, str]:
    """A valid row; ``cells`` override its values."""
    row = {
        "key": f"mfa-{n:02d}",
        "name": f"Ministry of Foreign Affairs {n}",
        "category": "foreign-ministry",
        "country": "LT",
        "languages": "lt;en",
        "email": f"desk@mfa-{n}.example",
        "postal_address": f"Street {n}\nVilnius",
        "verified_on": "2021-09-01",
        "defunct": "false",
    }
    return {**row, **cells}


BAD = [
    Bad("email syntax", {"email": "not-an-email"}, "email", "must have an @-sign"),
    Bad("email with two @", {"email": "a@b@mfa.example"}, "email", "invalid characters: '@'"),
    Bad("unknown category", {"category": "ministry"}, "category", "Input should be 'eu-"),
    Bad("unknown country", {"country": "xx"}, "country", "'XX' is not an ISO 3166-1"),
    Bad("not a country code", {"country": "ZZ"}, "country", "'ZZ' is not an ISO 3166-1"),
    Bad("three-letter country", {"country": "LTU"}, "country", "at most 2 characters"),
    Bad("unknown language", {"languages": "lt;zz"}, "languages", "language codes: zz"),
    Bad("unknown languages", {"languages": "qq;en;xx"}, "languages", "language codes: qq, xx"),
    Bad("duplicate key", {"key": "mfa-00"}, "key", "duplicate key 'mfa-00' (first on line 2)"),
    Bad("missing name", {"name": ""}, "name", "is missing"),
    Bad("newline in name", {"name": "Ministry\nof Affairs"}, "name", "line break or control"),
    Bad("control character", {"title": "Minister\x07"}, "title", "line break or control"),
    Bad("NEL in salutation", {"salutation": "Dear\x85Sir"}, "salutation", "line break or control"),
    Bad("tab in postal address", {"postal_address": "Street\t1"}, "postal_address", "control"),
    Bad("over-long name", {"name": "N" * 301}, "name", "at most 300 characters"),
    Bad("over-long key", {"key": "k" * 81}, "key", "at most 80 characters"),
    Bad("key not a slug", {"key": "MFA_Latvia"}, "key", "must be a slug"),
    Bad("empty key", {"key": ""}, "key", "must be a slug"),
    Bad("web form not http(s)", {"web_form": "www.mfa.example"}, "web_form", "http(s) URL"),
    Bad("impossible date", {"verified_on": "2021-13-01"}, "verified_on", "month value is outside"),
    Bad("defunct not a boolean", {"defunct": "maybe"}, "defunct", "valid boolean"),
    Bad("surplus cells", {}, "(extra columns)", "unknown field", extra=("stray", "cells")),
]


def render(rows: list[dict[str, str] | Bad], numbers: dict[str, int]) -> str:
    """The CSV text of ``rows``, a Bad as a good row changed as it says; ``numbers`` gets the
    line each Bad starts on."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for i, row in enumerate(rows):
        cells = row if isinstance(row, dict) else good(100 + i, **row.cells)
        if isinstance(row, Bad):
            numbers[row.kind] = out.getvalue().count("\n") + 1
        extra = row.extra if isinstance(row, Bad) else ()
        writer.writerow([cells.get(name, "") for name in FIELDS] + list(extra))
    return out.getvalue()


# Good rows between bad ones, multi-line quoted postal addresses shifting every later line.
ROWS: list[dict[str, str] | Bad] = [good(0)]
for number, bad in enumerate(BAD, start=1):
    ROWS += [bad, good(number)]
LINES: dict[str, int] = {}
TEXT = render(ROWS, LINES)
GOOD_TEXT = render([row for row in ROWS if isinstance(row, dict)], {})


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_text(TEXT, encoding="utf-8")
    return path


def rejection(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        registry.read_file(path)
    return caught.value


def import_file(s: Services, path: Path) -> registry.ImportReport:
    """Read, then import in one unit of work, as ``advocacy recipients import`` does."""
    records = registry.read_file(path)
    with s.db.unit_of_work() as uow:
        return registry.import_records(
            uow, records, source_name=path.name, update=False, actor="tester", clock=s.clock
        )


def counts(s: Services) -> tuple[int, int]:
    """How many addressees and audit entries are stored."""
    with s.db.unit_of_work(write=False) as uow:
        addressees = uow.scalar(select(func.count()).select_from(Addressee))
        entries = uow.scalar(select(func.count()).select_from(AuditEntry))
        return int(addressees or 0), int(entries or 0)


def test_twenty_kinds_of_bad_rows() -> None:
    """The file holds at least twenty distinct kinds of bad row (a check on the test itself)."""
    assert len({bad.kind for bad in BAD}) == len(BAD) >= 20


def test_one_problem_per_bad_row(bad_file: Path) -> None:
    """Each bad row yields exactly one problem, at its own line, and the good rows none."""
    problems = rejection(bad_file).problems
    assert [(p.line, p.field) for p in problems] == [(LINES[b.kind], b.field) for b in BAD]


@pytest.mark.parametrize("bad", BAD, ids=[bad.kind for bad in BAD])
def test_problem_reads_file_line_field_message(bad_file: Path, bad: Bad) -> None:
    """The problem a bad row causes prints as FILE:LINE: field: message."""
    printed = str(rejection(bad_file)).splitlines()
    (line,) = [text for text in printed if text.startswith(f"{bad_file}:{LINES[bad.kind]}: ")]
    assert line.startswith(f"{bad_file}:{LINES[bad.kind]}: {bad.field}: ")
    assert bad.message in line


def test_summary_counts_every_problem(bad_file: Path) -> None:
    """The message ends by counting the problems and saying that nothing was written."""
    assert (
        str(rejection(bad_file)).splitlines()[-1] == f"{len(BAD)} problem(s); nothing was written"
    )


def test_rejected_file_writes_nothing(services: Services, bad_file: Path) -> None:
    """An import of the bad file stores no addressee and no audit entry."""
    with pytest.raises(InputError):
        import_file(services, bad_file)
    assert counts(services) == (0, 0)


def test_file_without_the_bad_rows_imports(services: Services, tmp_path: Path) -> None:
    """The same file with the bad rows removed imports every good row."""
    path = tmp_path / "registry.csv"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    report = import_file(services, path)
    keys = [row["key"] for row in ROWS if isinstance(row, dict)]
    assert (report.created, counts(services)) == (keys, (len(keys), 1))
