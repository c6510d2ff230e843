"""Writing the registry out (CSV, YAML, JSON) in the one canonical form imports read back.

Rule: the output is canonical — rows by key, fields in ``FIELDS`` order, one format per type
(dates ISO 8601, booleans ``true``/``false``) — so export → import → export gives the same
bytes, and two exports of one registry differ only where the registry does. CSV goes through
``safecsv`` (formula cells neutralised); importing strips that mark again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import yaml

import safecsv
from errors import UnknownFormat
from recipients.record import DATES, FIELDS
from storage.tables import Addressee


def stored_fields(row: Addressee) -> dict[str, Any]:
    """A stored addressee's fields as ``AddresseeRecord.model_dump(mode="json")`` gives them."""
    values = {name: getattr(row, name) for name in FIELDS}
    for name in DATES:
        if values[name] is not None:
            values[name] = values[name].isoformat()
    return values


class _ExportDumper(yaml.SafeDumper):
    """YAML for people: a multi-line postal address as a literal block, nothing folded."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ExportDumper.add_representer(str, _str_representer)


def export(rows: Iterable[Addressee], fmt: str) -> str:
    """Serialise addressees so that importing the output gives the same registry."""
    data = [stored_fields(row) for row in sorted(rows, key=lambda row: row.key)]
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        # width: long names stay on one line, so a changed field is a one-line diff.
        return yaml.dump(
            data, Dumper=_ExportDumper, allow_unicode=True, sort_keys=False, width=1_000_000
        )
    if fmt == "csv":
        return safecsv.text([FIELDS, *([_csv_cell(item[k]) for k in FIELDS] for item in data)])
    raise UnknownFormat("export format", fmt, ["csv", "json", "yaml"])


def _csv_cell(value: object) -> object:
    """Blank for no value, lowercase booleans as JSON and YAML write them; others as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
