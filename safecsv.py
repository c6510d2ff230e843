"""The one CSV writer: every CSV the product writes goes through it (registry export, the
report downloads, the post manifest), so no cell reaches a spreadsheet as a formula.

Rule (OWASP "CSV injection"): a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written with a leading ``'``, which spreadsheets show as text. Cells that
already begin with ``'`` before such a character get one more, so ``restore`` (used by the
registry importer) gives back exactly the value written: export → import loses nothing.
Numbers written as Python numbers are left alone (``-3`` from an int cannot be a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Protocol

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class _Writes(Protocol):
    def write(self, text: str, /) -> Any: ...


def cell(value: Any) -> Any:
    """``value`` as it may safely appear in a CSV cell."""
    if isinstance(value, str) and value.lstrip("'").startswith(TRIGGERS):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The value ``cell`` was given, from the cell it wrote (other text is unchanged)."""
    if value.startswith("'") and value.lstrip("'").startswith(TRIGGERS):
        return value[1:]
    return value


class SafeWriter:
    """``csv.writer`` whose every text cell passes through ``cell``."""

    def __init__(self, out: _Writes, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writes, **options: Any) -> SafeWriter:
    """A CSV writer on ``out`` (``csv.writer``'s options) that neutralises formula cells."""
    return SafeWriter(out, **options)


def text(rows: Iterable[Iterable[Any]], *, lineterminator: str = "\n") -> str:
    """The whole CSV for ``rows`` (the first is the header) as a string."""
    out = io.StringIO()
    writer(out, lineterminator=lineterminator).writerows(rows)
    return out.getvalue()
