"""Registry import: read and validate a 100,000-row CSV, then store it in a fresh database.

Rule: the real path is what ``advocacy recipients import`` runs, ``registry.read_file`` then
``registry.import_records`` in one unit of work, timed from the file on disk to the commit, on
a fresh migrated SQLite database built by ``bootstrap.build`` (see ``bench.world``). The
baseline is the first implementation in this repository, frozen here so later improvements
show up as a falling ratio: every row validated with a full email-validator call and stored as
one ORM object, flushed together at commit. It runs on the first 10,000 rows (a 100,000-row
run would take most of a minute) and its time is scaled by ten; both paths are linear in rows.

The rows are synthetic but shaped like a real registry: every category, the seed appeals'
countries and languages, three addresses in four with an email at one of 2,000 domains (an
institution's staff share its domain), multi-line quoted postal addresses, Cyrillic names,
values holding the delimiter and quotes, every other row verified on some date.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from pydantic import field_validator
from sqlalchemy import func, select

from bench import Report
from bench.world import ACTOR, services_in
from bootstrap import Services
from errors import InputError, Problem
from located import load_records, validate
from recipients import registry
from recipients.record import CATEGORIES, FIELDS, AddresseeRecord
from storage import audit
from storage.tables import Addressee

ROWS = 100_000
BASELINE_ROWS = 10_000
DOMAINS = 2_000
COUNTRIES = ["PL", "LT", "LV", "EE", "DE", "FR", "GB", "US", "UA", "SE", "FI", "CZ", "EU", ""]
LANGUAGES = ["pl;en", "lt;en", "lv;ru;en", "et;en", "de;en", "fr;en", "en", "uk;en", "en;fr;de"]


def rows(count: int) -> Iterator[dict[str, str]]:
    """``count`` valid, distinct addressee rows, the same ones on every run."""
    for i in range(count):
        yield {
            "key": f"addressee-{i:06d}",
            "name": f'Office {i}, "Desk" {i % 97} of the Ministry' if i % 5 else f"Бюро № {i}",
            "official_name": f"Официальное название {i}" if i % 3 == 0 else "",
            "person": f"Person {i}" if i % 2 else "",
            "title": "Director; Head of Unit" if i % 5 == 0 else "",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "country": COUNTRIES[i % len(COUNTRIES)],
            "languages": LANGUAGES[i % len(LANGUAGES)],
            "email": f"desk.{i}@ministry-{i % DOMAINS}.example" if i % 4 else "",
            "postal_address": f"Street {i}\n{10000 + i % 90000} City\nCountry" if i % 3 else "",
            "web_form": f"https://ministry-{i % DOMAINS}.example/contact?id={i}" if i % 7 else "",
            "salutation": "Dear Minister" if i % 2 == 0 else "",
            "tags": "eu;nato" if i % 2 else "g7",
            "source": "bench: synthetic",
            "verified_on": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}" if i % 2 else "",
            "defunct": "true" if i % 50 == 0 else "false",
        }


def write_csv(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(count))
    return path


class _FirstRecord(AddresseeRecord):
    """The record as first written: email-validator called in full for every address."""

    @field_validator("email")
    @classmethod
    def _email_syntax(cls, value: str) -> str:
        if not value:
            return value
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValueError(str(exc)) from exc


def naive_read(path: Path) -> list[AddresseeRecord]:
    """The first read_file: validate every row, collect problems and duplicates."""
    records: list[AddresseeRecord] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for located in load_records(path):
        record, found = validate(_FirstRecord, str(path), located)
        problems.extend(found)
        if record is None:
            continue
        if record.key in seen:
            problems.append(Problem(str(path), located.line, "key", "duplicate key"))
        seen.setdefault(record.key, located.line)
        records.append(record)
    if problems:
        raise InputError(problems)
    return records


def naive_import(services: Services, records: Sequence[AddresseeRecord]) -> None:
    """The first import_records for a fresh registry: one ORM object per row, one commit."""
    with services.db.unit_of_work() as uow:
        existing = {row.key: row for row in uow.scalars(select(Addressee))}
        created = []
        for record in records:
            if record.key not in existing:
                uow.add(Addressee(**record.model_dump(), updated_at=services.clock.now()))
                created.append(record.key)
        audit.record(
            uow,
            at=services.clock.now(),
            actor=ACTOR,
            action="addressee.import",
            subject="file:bench",
            created=created,
        )


def real_import(services: Services, path: Path) -> None:
    """What ``advocacy recipients import`` does: read the whole file, then store it at once."""
    records = registry.read_file(path)
    with services.db.unit_of_work() as uow:
        registry.import_records(
            uow, records, source_name=path.name, update=False, actor=ACTOR, clock=services.clock
        )


def measure(
    report: Report, database: str, work: Callable[[Services], None], *, expected: int
) -> float:
    """Seconds ``work`` takes on a fresh database; it must store exactly ``expected`` rows."""
    services = services_in(report.workdir, database=database)
    try:
        began = time.perf_counter()
        work(services)
        seconds = time.perf_counter() - began
        with services.db.unit_of_work(write=False) as uow:
            count = uow.scalar(select(func.count()).select_from(Addressee))
    finally:
        services.close()
    if count != expected:
        raise RuntimeError(f"{database}: {count} addressees stored, expected {expected}")
    return seconds


def run(report: Report) -> None:
    full = write_csv(report.workdir / "registry-100k.csv", ROWS)
    subset = write_csv(report.workdir / "registry-10k.csv", BASELINE_ROWS)
    report.note(f"{ROWS} rows, {full.stat().st_size / 1e6:.1f} MB; baseline on {BASELINE_ROWS}")
    naive = measure(
        report,
        "naive.db",
        lambda services: naive_import(services, naive_read(subset)),
        expected=BASELINE_ROWS,
    )
    real = measure(report, "real.db", lambda services: real_import(services, full), expected=ROWS)
    scaled = naive * ROWS / BASELINE_ROWS
    report.versus("import_100k", "s", value=real, baseline=scaled)
    report.versus("rows_per_s", "rows/s", value=ROWS / real, baseline=ROWS / scaled)
    # The headline under the name issue #3's done-criterion looks for (grep registry_import_100k).
    headline = f"BENCH registry_import_100k {real:.2f} s ratio={real / scaled:.2f}"
    print(headline, file=report.out, flush=True)
