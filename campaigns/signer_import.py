"""Importing a signer export (CSV) into a campaign: every row or none, each new signer once.

Rule: the campaign row stays locked for the whole import; rows are checked and stored chunk by
chunk inside the caller's unit of work, and any problem raises ``InputError`` at the end (listing
``FILE:LINE: field: problem``), so the unit of work rolls back and nothing is stored. The count
rises by the signers not stored before: duplicates, within the file or of earlier imports and
webhook calls, add nothing. The file is streamed, so a million rows need little memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from sqlalchemy.orm import Session

from campaigns.presets import columns_to_fields
from campaigns.signatures import CountOutcome, Recorder, add_signatures
from campaigns.signer_store import CHUNK, bulk_signers
from campaigns.signer_store import signer_total as _total
from campaigns.signers import FIELDS, EmailKeys, SignerRecord, check_signer, signer_record
from campaigns.store import lock_campaign
from errors import InputError, Problem

MAX_PROBLEMS = 100
PROGRESS_EVERY = 5_000  # rows between progress reports
_NAME = FIELDS.index("name")


class Progress(Protocol):
    """Told how many bytes of the file have been read, of how many."""

    def __call__(self, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class ImportOutcome:
    rows: int
    new: int
    ignored_columns: list[str]
    count: CountOutcome

    @property
    def duplicates(self) -> int:
        return self.rows - self.new


class _Counting(io.RawIOBase):
    """A binary file that remembers how many bytes were read from it."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner, self.done = inner, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        return len(data)


@dataclass
class _SignerFile:
    """Reads one export; ``chunks()`` yields checked records, problems collect on the side."""

    path: Path
    mapping: Mapping[str, str]
    overrides: list[str]
    keys: EmailKeys
    recorder: Recorder
    progress: Progress | None = None
    problems: list[Problem] = field(default_factory=list)
    hidden: int = 0
    rows: int = 0
    ignored: list[str] = field(default_factory=list)
    _pending: list[SignerRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.now = self.recorder.clock.now()  # a row without signed_at signed at the import

    def problem(self, line: int | None, name: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(str(self.path), line, name, message))
        else:
            self.hidden += 1

    def chunks(self) -> Iterator[list[SignerRecord]]:
        total = self.path.stat().st_size
        with self.path.open("rb") as binary:
            counting = _Counting(binary)
            buffered = io.BufferedReader(counting, buffer_size=1 << 16)
            text = io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="")
            line = 1
            try:
                for line, values in self._records(text):
                    yield from self._check(line, values)
                    if self.progress is not None and self.rows % PROGRESS_EVERY == 0:
                        self.progress(counting.done, total)
            except UnicodeDecodeError as exc:
                self.problem(line + 1, "encoding", f"not UTF-8 ({exc.reason})")
            except csv.Error as exc:
                self.problem(line + 1, "syntax", str(exc))
        yield from self._flush()
        if self.progress is not None:
            self.progress(total, total)

    def _check(self, line: int, values: list[str]) -> Iterator[list[SignerRecord]]:
        self.rows += 1
        record: SignerRecord | None = None
        try:
            record = signer_record(values, keys=self.keys, now=self.now)
        except ValueError:  # rare: check the row again to name every problem in it
            row = dict(zip(FIELDS, values, strict=True))
            for name, message in check_signer(row, keys=self.keys, now=self.now)[1]:
                self.problem(line, name, message)
        if record is not None and not self.problems:
            self._pending.append(record)
            if len(self._pending) >= CHUNK:
                yield from self._flush()

    def _flush(self) -> Iterator[list[SignerRecord]]:
        if self._pending and not self.problems:
            yield self._pending
        self._pending = []

    def _records(self, text: TextIO) -> Iterator[tuple[int, list[str]]]:
        """(line where the row starts, field values in ``FIELDS`` order) for each non-blank row."""
        first = text.readline()
        if not first.strip():
            self.problem(1, "file", "is empty (a header line naming the columns comes first)")
            return
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter))
        used, self.ignored = columns_to_fields(
            header, self.mapping, source=str(self.path), overrides=self.overrides
        )
        names = [i for i, f in used if f == "name"]
        # Where each field (in FIELDS order) comes from; "" when no column feeds it.
        column = {f: i for i, f in used if f != "name"}
        where = [column.get(f, -1) for f in FIELDS]
        width = len(header)
        reader = csv.reader(text, delimiter=delimiter)
        end = 1
        for row in reader:
            start, end = end + 1, 1 + reader.line_num
            if not any(value.strip() for value in row):
                continue
            if len(row) > len(header) and any(v.strip() for v in row[len(header) :]):
                message = f"{len(row)} values but the header has {len(header)}"
                self.problem(start, "(extra columns)", message)
            if len(row) < width:
                row += [""] * (width - len(row))
            values = [row[i] if i >= 0 else "" for i in where]
            values[_NAME] = " ".join([row[i].strip() for i in names])
            yield start, values


def import_signers(
    uow: Session,
    campaign_key: str,
    path: Path,
    *,
    mapping: Mapping[str, str],
    overrides: Mapping[str, str],
    keys: EmailKeys,
    recorder: Recorder,
    progress: Progress | None = None,
    source: str = "csv",
) -> ImportOutcome:
    """Import ``path`` (see the module rule); ``mapping`` comes from ``presets.mapping_for``."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, "file", "does not exist")])
    campaign = lock_campaign(uow, campaign_key)
    before = _total(uow, campaign.id)
    reading = _SignerFile(path, mapping, list(overrides), keys, recorder, progress)
    with bulk_signers(uow, campaign.id, source=source) as add:
        for chunk in reading.chunks():
            add(chunk)
        if reading.problems:
            if reading.hidden:
                hidden = f"{reading.hidden} more problems not shown"
                reading.problems.append(Problem(str(path), None, "file", hidden))
            raise InputError(reading.problems)
    new = _total(uow, campaign.id) - before
    count = add_signatures(uow, campaign, new, as_of=None, source=source, recorder=recorder)
    return ImportOutcome(reading.rows, new, reading.ignored, count)
