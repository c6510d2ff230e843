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
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from errors import InputError, Problem, UnknownFormat
from located import load_records, validate
from recipients.addresses import import_warning
from recipients.record import FIELDS, AddresseeRecord
from storage import audit
from storage.tables import Addressee
from timeutil import Clock

_ADDRESSEES = cast(Table, Addressee.__table__)


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "key: why" (recipients.addresses)


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


def _stored(row: Addressee) -> dict[str, Any]:
    """A stored addressee's fields as ``AddresseeRecord.model_dump(mode="json")`` gives them."""
    values = {name: getattr(row, name) for name in FIELDS}
    if values["verified_on"] is not None:
        values["verified_on"] = values["verified_on"].isoformat()
    return values


def import_records(
    uow: Session,
    records: Sequence[AddresseeRecord],
    *,
    source_name: str,
    update: bool,
    actor: str,
    clock: Clock,
) -> ImportReport:
    """Create new addressees; change existing ones only when ``update`` is set.

    New rows go in as one bulk INSERT (executemany), not one ORM object each: a 100,000-row
    import spends its time validating, not building and flushing objects nobody reads.
    """
    existing = {row.key: row for row in uow.scalars(select(Addressee))}
    report, conflicts, now = ImportReport(), [], clock.now()
    new_rows: list[dict[str, Any]] = []
    for record in records:
        if record.email and (warning := import_warning(record.email)):
            report.warnings.append(f"{record.key}: {warning}")
        row = existing.get(record.key)
        if row is None:
            new_rows.append({**record.model_dump(), "updated_at": now})
            report.created.append(record.key)
            continue
        before, after = _stored(row), record.model_dump(mode="json")
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
            _update(uow, row, record, changes, source_name=source_name, actor=actor, now=now)
            report.updated.append(record.key)
    if conflicts:
        raise InputError(conflicts)
    if new_rows:
        # The table, not the ORM entity: ORM bulk INSERT leaves out None values, so rows with
        # and without verified_on would alternate between two statements, one row each.
        uow.execute(insert(_ADDRESSEES), new_rows)
        audit.record(
            uow,
            at=now,
            actor=actor,
            action="addressee.import",
            subject=f"file:{source_name}",
            created=report.created,
        )
    return report


def _update(
    uow: Session,
    row: Addressee,
    record: AddresseeRecord,
    changes: dict[str, list[Any]],
    *,
    source_name: str,
    actor: str,
    now: datetime,
) -> None:
    """Change one stored addressee and audit each changed field before and after."""
    for name, value in record.model_dump().items():
        setattr(row, name, value)
    row.updated_at = now
    audit.record(
        uow,
        at=now,
        actor=actor,
        action="addressee.update",
        subject=f"addressee:{record.key}",
        source=source_name,
        changes=changes,
    )


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


class _ExportDumper(yaml.SafeDumper):
    """YAML for people: a multi-line postal address as a literal block, nothing folded."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ExportDumper.add_representer(str, _str_representer)


def export(rows: Iterable[Addressee], fmt: str) -> str:
    """Serialise addressees so that importing the output gives the same registry.

    The output is canonical: rows by key, fields in ``FIELDS`` order, one format per type
    (dates ISO 8601, booleans ``true``/``false``), so export → import → export gives the same
    bytes and two exports of one registry differ only where the registry does.
    """
    data = [_stored(row) for row in sorted(rows, key=lambda row: row.key)]
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        # width: long names stay on one line, so a changed field is a one-line diff.
        return yaml.dump(
            data, Dumper=_ExportDumper, allow_unicode=True, sort_keys=False, width=1_000_000
        )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for item in data:
            writer.writerow({k: _csv_cell(item[k]) for k in FIELDS})
        return out.getvalue()
    raise UnknownFormat("export format", fmt, ["csv", "json", "yaml"])


def _csv_cell(value: object) -> object:
    """Blank for no value, lowercase booleans as JSON and YAML write them; others as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
