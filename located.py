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


def _yaml_located(node: yaml.Node, prefix: Path_, lines: dict[Path_, int]) -> Any:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_construct(key_node))
            out[key] = _yaml_located(value_node, (*prefix, key), lines)
            lines[(*prefix, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_located(item, (*prefix, i), lines) for i, item in enumerate(node.value)]
    return _construct(node)


def _construct(node: yaml.Node) -> Any:
    try:
        return yaml.safe_load(yaml.serialize(node))
    except (yaml.YAMLError, ValueError) as exc:
        # A scalar YAML cannot build (a date like 2021-13-01, an unsafe tag) is an input error
        # at the scalar's own line, not a traceback.
        problem = getattr(exc, "problem", None) or str(exc)
        raise yaml.MarkedYAMLError(problem=problem, problem_mark=node.start_mark) from exc


def load_document(path: Path) -> Located:
    """Parse a YAML (or JSON, which YAML reads) file keeping the line of every value."""
    text = _decode(path)
    lines: dict[Path_, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = None if node is None else _yaml_located(node, (), lines)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError([Problem(str(path), line, "syntax", message)]) from exc
    if node is None:
        raise InputError([Problem(str(path), 1, "file", "is empty")])
    return Located(data, 1, lines)


def _json_records(path: Path, text: str) -> list[Located]:
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), exc.lineno, "syntax", exc.msg)]) from exc
    if not isinstance(data, list):
        raise InputError([Problem(str(path), 1, "file", "must hold a JSON array of objects")])
    # Walk the array once more to learn where each element starts.
    records, index = [], text.index("[") + 1
    for item in data:
        while text[index] in " \t\r\n,":
            index += 1
        line = text.count("\n", 0, index) + 1
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
    records, end = [], 1
    for row in reader:
        # reader.line_num is the line the row *ends* on; quoted fields may span lines, so the
        # row starts on the first non-blank line after the previous row's end.
        start = end + 1
        while not lines[start - 1].strip("\r\n"):
            start += 1
        end = reader.line_num
        extra = row.pop(None, None)
        data = {k.strip(): (v or "") for k, v in row.items() if k is not None}
        if extra:
            data["(extra columns)"] = extra
        records.append(Located(data, start))
    return records


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
        return [
            Located(
                item, doc.lines[(i,)], {p[1:]: n for p, n in doc.lines.items() if p[:1] == (i,)}
            )
            for i, item in enumerate(doc.data)
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
