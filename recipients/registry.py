"""Registry operations: import a file atomically, list, export, select an appeal's targets.

Rule: an import validates every row before it writes any; one bad row rejects the file and
the error lists every problem. A row changes only the fields it gives (``key`` plus any
columns is an update; an absent column keeps its value, an empty cell clears it), only with
``update=True``, and leaves an audit entry with each changed field before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

import safecsv
from errors import InputError, Problem
from located import load_records, validate
from recipients.addresses import import_warning
from recipients.export import export, stored_fields
from recipients.failing import CHANNEL_OF, settle_checks
from recipients.record import CONTACTS, FIELDS, REQUIRED, AddresseeRecord
from storage import audit
from storage.tables import Addressee
from timeutil import Clock

__all__ = ["ImportReport", "export", "import_records", "list_addressees", "read_file"]
_ADDRESSEES = cast(Table, Addressee.__table__)
Changes = dict[str, list[Any]]


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do); ``changes``: key → field → [old, new]."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "key: why" (recipients.addresses)
    changes: dict[str, Changes] = field(default_factory=dict)


def read_located(path: Path) -> list[tuple[AddresseeRecord, int]]:
    """Each valid record of a registry file with its line; ``InputError`` lists every bad row.

    A record's ``model_fields_set`` is the columns its row gave: what an update changes.
    """
    records: list[tuple[AddresseeRecord, int]] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    is_csv = path.suffix.lower() == ".csv"
    for located in load_records(path):
        if is_csv and isinstance(located.data, dict) and _marked(located.data):
            located.data = {k: _restore(v) for k, v in located.data.items()}
        record, found = validate(AddresseeRecord, str(path), located)
        problems.extend(found)
        if record is None:
            continue
        if record.key in seen:
            first = seen[record.key]
            message = f"duplicate key {record.key!r} (first on line {first})"
            problems.append(Problem(str(path), located.line, "key", message))
        seen.setdefault(record.key, located.line)
        records.append((record, located.line))
    if problems:
        raise InputError(problems)
    return records


def _marked(row: dict[str, Any]) -> bool:
    """Whether a cell may be one our exports marked as formula-like (``'=…``): few rows are.
    (One join and search per row; a false alarm only restores cells that need nothing.)"""
    try:
        return "\x00'" in "\x00" + "\x00".join(row.values())
    except TypeError:  # a short row's missing cells (None) or a long row's extras (a list)
        return any(isinstance(v, str) and v[:1] == "'" for v in row.values())


def _restore(value: object) -> object:
    return safecsv.restore(value) if isinstance(value, str) else value


def read_file(path: Path) -> list[AddresseeRecord]:
    """Parse and validate a registry file; raise ``InputError`` listing every bad row."""
    return [record for record, _ in read_located(path)]


def _as_record(row: Addressee) -> AddresseeRecord:
    return AddresseeRecord.model_validate({name: getattr(row, name) for name in FIELDS})


def changed_fields(row: Addressee, record: AddresseeRecord) -> Changes:
    """field → [stored, new] for each field the record gives that differs from the row.

    A contact whose value changes loses the provenance the row gave to the old value, unless
    the record gives its own: a confirmation of the old address is not one of the new.
    """
    given = record.model_fields_set
    before, after = stored_fields(row), record.model_dump(mode="json")
    changes = {k: [before[k], after[k]] for k in FIELDS if k in given and before[k] != after[k]}
    for contact in CONTACTS:
        if contact not in changes:
            continue
        for suffix, blank in (("_source", ""), ("_verified_on", None)):
            name = contact + suffix
            if name not in given and before[name] != blank:
                changes[name] = [before[name], blank]
    return changes


def import_records(
    uow: Session,
    records: Sequence[AddresseeRecord],
    *,
    source_name: str,
    update: bool,
    actor: str,
    clock: Clock,
    lines: Mapping[str, int] | None = None,
) -> ImportReport:
    """Create new addressees; change existing ones (only the fields given) when ``update``.

    New rows go in as one bulk INSERT (executemany), not one ORM object each: a 100,000-row
    import spends its time validating, not building and flushing objects nobody reads.
    ``lines`` (key → line in the file) places the problems found against the database.
    """
    existing = {row.key: row for row in uow.scalars(select(Addressee))}
    report, problems, now = ImportReport(), [], clock.now()
    new_rows: list[dict[str, Any]] = []
    for record in records:
        if record.email and (warning := import_warning(record.email)):
            report.warnings.append(f"{record.key}: {warning}")
        line = (lines or {}).get(record.key)
        row = existing.get(record.key)
        if row is None:
            missing = [name for name in REQUIRED if name not in record.model_fields_set]
            problems += [
                Problem(source_name, line, name, f"is missing (new addressee {record.key!r})")
                for name in missing
            ]
            new_rows.append({**record.model_dump(), "updated_at": now})
            report.created.append(record.key)
            continue
        changes = changed_fields(row, record)
        if not changes:
            report.unchanged.append(record.key)
        elif not update:
            message = (
                f"{record.key!r} exists with other values ({', '.join(changes)}); "
                "use --update to change it"
            )
            problems.append(Problem(source_name, line, "key", message))
        else:
            _update(uow, row, record, changes, source_name=source_name, actor=actor, clock=clock)
            report.updated.append(record.key)
            report.changes[record.key] = changes
    if problems:
        raise InputError(problems)
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
    changes: Changes,
    *,
    source_name: str,
    actor: str,
    clock: Clock,
) -> None:
    """Change one stored addressee's fields and audit each before and after; a changed
    contact's open channel checks (a bounce, a form gone) are cleared: it has been fixed."""
    now = clock.now()
    values = record.model_dump()
    for name in changes:
        # A field the record does not give is a contact's provenance being cleared.
        blank = "" if name.endswith("_source") else None
        setattr(row, name, values[name] if name in record.model_fields_set else blank)
    row.updated_at = now
    audit.record(
        uow,
        at=now,
        actor=actor,
        action="addressee.update",
        subject=f"addressee:{row.key}",
        source=source_name,
        changes=changes,
    )
    fixed = [c for c in CHANNEL_OF if c in changes]
    settle_checks(uow, row.key, fixed, actor=actor, clock=clock, reason=f"changed ({source_name})")


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
