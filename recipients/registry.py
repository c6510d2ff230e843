"""Registry operations: import a file atomically, list, export, select an appeal's targets.

Rule: an import validates every row before it writes any; one bad row rejects the file and
the error lists every problem. Changing an existing addressee needs ``update=True`` and leaves
an audit entry with the fields before and after, so every contact can be traced.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import InputError, Problem, UnknownFormat
from located import load_records, validate
from recipients.record import FIELDS, AddresseeRecord
from storage import audit
from storage.tables import Addressee
from timeutil import Clock


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def read_file(path: Path) -> list[AddresseeRecord]:
    """Parse and validate a registry file; raise ``InputError`` listing every bad row."""
    records: list[AddresseeRecord] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for located in load_records(path):
        record, found = validate(AddresseeRecord, str(path), located)
        problems.extend(found)
        if record is None:
            continue
        if record.key in seen:
            first = seen[record.key]
            problems.append(
                Problem(
                    str(path),
                    located.line,
                    "key",
                    f"duplicate key {record.key!r} (first on line {first})",
                )
            )
        seen.setdefault(record.key, located.line)
        records.append(record)
    if problems:
        raise InputError(problems)
    return records


def _as_record(row: Addressee) -> AddresseeRecord:
    return AddresseeRecord.model_validate({name: getattr(row, name) for name in FIELDS})


def import_records(
    uow: Session,
    records: Sequence[AddresseeRecord],
    *,
    source_name: str,
    update: bool,
    actor: str,
    clock: Clock,
) -> ImportReport:
    """Create new addressees; change existing ones only when ``update`` is set."""
    existing = {row.key: row for row in uow.scalars(select(Addressee))}
    report, conflicts = ImportReport(), []
    for record in records:
        row = existing.get(record.key)
        if row is None:
            uow.add(Addressee(**record.model_dump(), updated_at=clock.now()))
            report.created.append(record.key)
            continue
        before = _as_record(row).model_dump(mode="json")
        after = record.model_dump(mode="json")
        changes = {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}
        if not changes:
            report.unchanged.append(record.key)
        elif not update:
            conflicts.append(
                Problem(
                    source_name,
                    None,
                    "key",
                    f"{record.key!r} exists with other values "
                    f"({', '.join(changes)}); use --update to change it",
                )
            )
        else:
            for name, value in record.model_dump().items():
                setattr(row, name, value)
            row.updated_at = clock.now()
            audit.record(
                uow,
                at=clock.now(),
                actor=actor,
                action="addressee.update",
                subject=f"addressee:{record.key}",
                source=source_name,
                changes=changes,
            )
            report.updated.append(record.key)
    if conflicts:
        raise InputError(conflicts)
    if report.created:
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="addressee.import",
            subject=f"file:{source_name}",
            created=report.created,
        )
    return report


def list_addressees(
    uow: Session, *, category: str | None = None, country: str | None = None
) -> list[Addressee]:
    """Addressees ordered by key, optionally filtered."""
    query = select(Addressee).order_by(Addressee.key)
    if category:
        query = query.where(Addressee.category == category)
    if country:
        query = query.where(Addressee.country == country.upper())
    return list(uow.scalars(query))


def select_targets(uow: Session, selection: dict[str, Any]) -> list[Addressee]:
    """The live addressees an appeal targets: listed keys plus whole categories/tags/countries."""
    keys = set(selection.get("keys", []))
    categories = set(selection.get("categories", []))
    tags = set(selection.get("tags", []))
    countries = {c.upper() for c in selection.get("countries", [])}
    chosen = []
    for row in list_addressees(uow):
        if row.defunct:
            continue
        row_tags = set(filter(None, row.tags.split(";")))
        if (
            row.key in keys
            or row.category in categories
            or row.country in countries
            or row_tags & tags
        ):
            chosen.append(row)
    return chosen


def export(rows: Iterable[Addressee], fmt: str) -> str:
    """Serialise addressees so that importing the output gives the same registry."""
    data = [_as_record(row).model_dump(mode="json") for row in rows]
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for item in data:
            writer.writerow({k: "" if item[k] is None else item[k] for k in FIELDS})
        return out.getvalue()
    raise UnknownFormat("export format", fmt, ["csv", "json", "yaml"])
