"""Column mappings for signer exports: named presets plus ``--map COLUMN=FIELD`` overrides.

Rule: a mapping says which file column feeds which signer field (``campaigns.signers.FIELDS``);
columns are matched case-insensitively, several columns mapped to ``name`` are joined with a
space (first + last name), and ``ignore`` drops a column. The platform presets are *shaped
like* those platforms' exports as we understand them; we could not fetch real samples, so check
a real file's header against ``advocacy signatures import --help`` and add ``--map`` as needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from campaigns.signers import FIELDS
from errors import InputError, Problem, UnknownFormat

IGNORE = "ignore"

PRESETS: dict[str, dict[str, str]] = {
    # Our own documented shape: one column per field, named as the field.
    "generic": {field: field for field in FIELDS},
    # Shaped like a Change.org petition signature download.
    "change-org": {
        "name": "name",
        "email": "email",
        "city": "city",
        "country": "country",
        "signed on": "signed_at",
        "state": IGNORE,
        "postal code": IGNORE,
    },
    # Shaped like an Action Network activist export (OSDI-derived column names).
    "action-network": {
        "first_name": "name",
        "last_name": "name",
        "email": "email",
        "can2_user_city": "city",
        "can2_country": "country",
        "created_at": "signed_at",
        "zip_code": IGNORE,
        "can2_state_abbreviated": IGNORE,
    },
    # Shaped like an openPetition signature list (German column names).
    "openpetition": {
        "vorname": "name",
        "nachname": "name",
        "e-mail": "email",
        "ort": "city",
        "land": "country",
        "datum": "signed_at",
        "öffentlich": "public",
        "plz": IGNORE,
    },
}


def describe_presets() -> str:
    """One line per preset, for ``--help``."""
    return "; ".join(
        f"{name}: {', '.join(c for c, f in columns.items() if f != IGNORE)}"
        for name, columns in PRESETS.items()
    )


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``["Mail=email", "Notes=ignore"]`` as a mapping; a malformed pair is an input error."""
    mapping: dict[str, str] = {}
    problems = []
    for pair in pairs:
        column, sep, field = pair.partition("=")
        field = field.strip().lower()
        if not sep or not column.strip() or field not in {*FIELDS, IGNORE}:
            known = ", ".join([*FIELDS, IGNORE])
            problems.append(Problem("--map", None, pair, f"use COLUMN=FIELD with FIELD in {known}"))
            continue
        mapping[column.strip().casefold()] = field
    if problems:
        raise InputError(problems)
    return mapping


def mapping_for(preset: str, overrides: Mapping[str, str]) -> dict[str, str]:
    """The preset's columns with ``overrides`` (already casefolded) laid over them."""
    if preset not in PRESETS:
        raise UnknownFormat("preset", preset, PRESETS)
    return {**PRESETS[preset], **overrides}


def columns_to_fields(
    header: list[str], mapping: Mapping[str, str], *, source: str, overrides: Iterable[str] = ()
) -> tuple[list[tuple[int, str]], list[str]]:
    """Pair header positions with fields; return them and the header's unmapped columns.

    Problems (no email column, a ``--map`` column missing from the file) are located on line 1.
    """
    folded = [column.strip().casefold() for column in header]
    used = [(i, mapping[c]) for i, c in enumerate(folded) if mapping.get(c, IGNORE) != IGNORE]
    unmapped = [header[i].strip() for i, c in enumerate(folded) if c not in mapping]
    problems = [
        Problem(source, 1, column, "--map names a column the header does not have")
        for column in overrides
        if column not in folded
    ]
    if "email" not in {field for _, field in used}:
        columns = ", ".join(h.strip() for h in header)
        problems.append(
            Problem(
                source,
                1,
                "email",
                f"no column maps to email (columns: {columns}); use --map COLUMN=email",
            )
        )
    if problems:
        raise InputError(problems)
    return used, unmapped
