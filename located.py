"""Reading input files so every value remembers its line, and turning validation errors into
``FILE:LINE: field: problem``.

Rule: importers read through ``load_records``/``load_document`` and validate through
``validate``; they never report an error without the file and line that caused it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError

from errors import InputError, Problem

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Located:
    """A parsed value with the line where each path inside it starts."""

    data: Any
    line: int
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Iterable[str | int]) -> int:
        """The line of the deepest known prefix of ``path``."""
        best, current = self.line, cast(Path_, ())
        for part in path:
            current = (*current, part)
            best = self.lines.get(current, best)
        return best


def _decode(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = Problem(str(path), None, "encoding", f"not UTF-8 ({exc.reason})")
        raise InputError([problem]) from exc


# Collection tags the walk below builds as plain mappings and lists, like ``yaml.safe_load``.
_COLLECTION_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "set", "omap", "pairs")
)


class _Walk:
    """Builds a composed YAML tree into Python values, noting the line of every path."""

    def __init__(self, lines: dict[Path_, int]) -> None:
        self.lines = lines
        # One constructor per document: it turns scalars into values exactly as safe_load does.
        self.constructor = yaml.constructor.SafeConstructor()
        # Aliased collections are built once and shared, as safe_load shares them, so a small
        # file of nested aliases ("billion laughs") cannot make the walk exponential.
        self.built: dict[int, Any] = {}
        self.open: set[int] = set()

    def value(self, node: yaml.Node, prefix: Path_) -> Any:
        self.lines[prefix] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if id(node) in self.built:
            return self.built[id(node)]
        if id(node) in self.open:
            raise yaml.MarkedYAMLError(
                problem="an alias refers to a collection that contains it",
                problem_mark=node.start_mark,
            )
        if node.tag not in _COLLECTION_TAGS:
            self.scalar(node)  # raises: safe_load has no constructor for this tag either
        self.open.add(id(node))
        built = self.collection(node, prefix)
        self.open.discard(id(node))
        self.built[id(node)] = built
        return built

    def collection(self, node: yaml.Node, prefix: Path_) -> Any:
        if not isinstance(node, yaml.MappingNode):  # compose yields no other kind of collection
            return [self.value(item, (*prefix, i)) for i, item in enumerate(node.value)]
        self.constructor.flatten_mapping(node)  # resolves "<<" merge keys as safe_load does
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(self.scalar(key_node))
            out[key] = self.value(value_node, (*prefix, key))
            self.lines[(*prefix, key)] = key_node.start_mark.line + 1
        return out

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            # A scalar YAML cannot build (a date like 2021-13-01, an unsafe tag) is an input
            # error at the scalar's own line, not a traceback.
            problem = getattr(exc, "problem", None) or str(exc)
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=node.start_mark) from exc


def _syntax_line(exc: yaml.YAMLError, text: str) -> int | None:
    """The line a YAML error points at: its mark, or for a reader error its position."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    position = getattr(exc, "position", None)
    return None if position is None else text.count("\n", 0, position) + 1


def load_document(path: Path) -> Located:
    """Parse a YAML (or JSON, which YAML reads) file keeping the line of every value."""
    text = _decode(path)
    lines: dict[Path_, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = None if node is None else _Walk(lines).value(node, ())
    except yaml.YAMLError as exc:
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line = _syntax_line(exc, text)
        raise InputError([Problem(str(path), line, "syntax", message)]) from exc
    except RecursionError as exc:
        # The parser recurses once per nesting level; no registry or appeal nests this deep.
        raise InputError([Problem(str(path), None, "syntax", "nested too deeply")]) from exc
    if node is None:
        raise InputError([Problem(str(path), 1, "file", "is empty")])
    return Located(data, 1, lines)


def _json_records(path: Path, text: str) -> list[Located]:
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), exc.lineno, "syntax", exc.msg)]) from exc
    except (ValueError, RecursionError) as exc:
        # Integers past Python's 4,300-digit limit, and arrays nested past the recursion limit.
        message = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InputError([Problem(str(path), None, "syntax", message)]) from exc
    if not isinstance(data, list):
        raise InputError([Problem(str(path), 1, "file", "must hold a JSON array of objects")])
    # Walk the array once more to learn where each element starts, counting lines as we go.
    records, index, line, counted = [], text.index("[") + 1, 1, 0
    for item in data:
        while text[index] in " \t\r\n,":
            index += 1
        line, counted = line + text.count("\n", counted, index), index
        _, index = decoder.raw_decode(text, index)
        records.append(Located(item, line))
    return records


def _csv_records(path: Path, text: str) -> list[Located]:
    lines = io.StringIO(text, newline="").readlines()
    # Only the delimiter varies, and the header shows it. csv.Sniffer guessed the quoting too,
    # wrongly (doublequote=False, quotechar="'") for values holding quotes; use RFC 4180's.
    header = lines[0] if lines else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    records: list[Located] = []
    try:
        columns = [name.strip() for name in reader.fieldnames or []]
        _check_columns(path, columns, reader.line_num)
        end = reader.line_num
        for row in reader:
            # reader.line_num is the line the row *ends* on; quoted fields may span lines, so
            # the row starts on the first non-blank line after the previous row's end.
            start = end + 1
            while not lines[start - 1].strip("\r\n"):
                start += 1
            end = reader.line_num
            extra = row.pop(None, None)
            data = {k.strip(): (v or "") for k, v in row.items()}
            if extra:
                data["(extra columns)"] = extra
            records.append(Located(data, start))
    except csv.Error as exc:
        # E.g. a quoted field that runs on past the csv module's 128 KiB field limit.
        raise InputError([Problem(str(path), reader.reader.line_num, "syntax", str(exc))]) from exc
    return records


def _check_columns(path: Path, columns: list[str], line: int) -> None:
    """Refuse a header naming a column twice: one of the two values would be lost silently."""
    twice = [name for i, name in enumerate(columns) if name in columns[:i]]
    if twice:
        problems = [Problem(str(path), line, name, "duplicate column") for name in twice]
        raise InputError(problems)


def load_records(path: Path) -> list[Located]:
    """Read a CSV (comma or semicolon, optional BOM), YAML or JSON list of records."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem(str(path), None, "file", "does not exist")])
    text = _decode(path)
    if suffix == ".csv":
        return _csv_records(path, text)
    if suffix == ".json":
        return _json_records(path, text)
    if suffix in {".yaml", ".yml"}:
        doc = load_document(path)
        if not isinstance(doc.data, list):
            raise InputError([Problem(str(path), 1, "file", "must hold a YAML list of mappings")])
        # Split the document's lines by item in one pass (per item it would be quadratic).
        per_item: list[dict[Path_, int]] = [{} for _ in doc.data]
        for where, line in doc.lines.items():
            if where:
                per_item[cast(int, where[0])][where[1:]] = line
        return [
            Located(item, lines[()], lines) for item, lines in zip(doc.data, per_item, strict=True)
        ]
    raise InputError([Problem(str(path), None, "file", "use a .csv, .json, .yaml or .yml file")])


def problems_of(source: str, located: Located, error: ValidationError) -> list[Problem]:
    """Translate a pydantic error into located problems, one per failing field."""
    found = []
    for item in error.errors():
        loc = [part for part in item["loc"] if not isinstance(part, str) or part[:1] != "["]
        field_name = ".".join(str(part) for part in loc) or "record"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        elif item["type"] == "missing":
            message = "is missing"
        found.append(Problem(source, located.line_of(loc), field_name, message))
    return found


def validate(model: type[M], source: str, located: Located) -> tuple[M | None, list[Problem]]:
    """Validate one located value; return the model or the problems, never raise."""
    if not isinstance(located.data, dict):
        return None, [Problem(source, located.line, "record", "must be a mapping of fields")]
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        return None, problems_of(source, located, exc)
