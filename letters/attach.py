"""Attaching the batch's signatory annex to a cover letter: letter PDF = cover pages + annex pages.

Rule: the cover's bytes stay untouched at the front of the file, so its catalogue, PDF/A XMP
metadata, output intent, /Lang and document information are the letter's; the annex's page
objects follow as one incremental update (renumbered after the cover's, hung under the cover's
page tree). The annex is parsed and serialised once per (annex, cover layout) and reused.

Why not pypdf's ``PdfWriter(clone_from=cover)`` + ``append(annex)``, which also keeps the
cover's metadata: it clones and re-serialises every annex page for every letter — about 90 ms per
letter for a 150,000-name annex, against about 3 ms here (``make bench ONLY=letters``).
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from pypdf import PdfReader
from pypdf._utils import read_non_whitespace
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    read_object,
)

from letters import base64_runs

_ROW = struct.Struct(">BIH")  # an xref stream entry: type 1 (in use), offset, generation
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


@dataclass(frozen=True)
class _Block:
    """The annex's objects serialised from object number ``base`` on, under parent ``parent``."""

    content: bytes
    offsets: tuple[int, ...]  # of each object, relative to the block's start
    root: int  # object number of the annex's page-tree node


class ParsedAnnex:
    """One annex PDF, parsed once, attachable to any number of covers."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self._blocks: dict[tuple[int, int], _Block] = {}

    @cached_property
    def _reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.content))

    @cached_property
    def pages(self) -> int:
        return len(self._reader.pages)

    def attach_to(self, cover: bytes) -> bytes:
        """The cover followed by the annex's pages, as one PDF."""
        reader = PdfReader(io.BytesIO(cover))
        trailer = reader.trailer
        if "/Encrypt" in trailer:
            raise ValueError("an encrypted cover letter cannot take an annex")
        tree = _page_tree(reader)
        base = int(trailer["/Size"])  # type: ignore[call-overload] # a NumberObject
        block = self._block(base, tree.idnum)
        node: Any = DictionaryObject(cast(DictionaryObject, _lone_object(reader, tree)))
        kids = ArrayObject([*node["/Kids"], IndirectObject(block.root, 0, reader)])
        node[NameObject("/Kids")] = kids
        node[NameObject("/Count")] = NumberObject(int(node["/Count"]) + self.pages)
        head = cover if cover.endswith(b"\n") else cover + b"\n"
        node_bytes = _serialise(tree.idnum, tree.generation, node)
        start = len(head) + len(node_bytes)
        entries = [(tree.idnum, len(head), tree.generation)]
        entries += [(base + i, start + o, 0) for i, o in enumerate(block.offsets)]
        xref = _xref_stream(trailer, entries, at=start + len(block.content), prev=_startxref(cover))
        return b"".join([head, node_bytes, block.content, xref])

    def _block(self, base: int, parent: int) -> _Block:
        key = (base, parent)
        if key not in self._blocks:
            self._blocks[key] = _serialise_annex(self._reader, base, parent)
            # Every letter's PDF, and so its email, carries these bytes: their base64 is kept.
            base64_runs.remember(self._blocks[key].content)
        return self._blocks[key]


def _page_tree(reader: PdfReader) -> IndirectObject:
    """The reference to the document's root page-tree node."""
    catalog: Any = _lone_object(reader, reader.trailer.raw_get("/Root"))
    tree = catalog.raw_get("/Pages")
    if not isinstance(tree, IndirectObject):
        raise ValueError("the page tree is not an indirect object")
    return tree


def _lone_object(reader: PdfReader, ref: Any) -> Any:
    """The object ``ref`` refers to, as pypdf reads it; from an object stream (where a cover
    keeps its catalogue and page tree), that one object read, not all the stream's (pypdf
    parses every one of them, fonts and all: two thirds of attaching)."""
    if not isinstance(ref, IndirectObject) or ref.idnum not in reader.xref_objStm:
        return ref.get_object()
    number, index = reader.xref_objStm[ref.idnum]
    stream: Any = IndirectObject(number, 0, reader).get_object()
    data = stream.get_data()
    first = int(stream["/First"])
    header = data[:first].split()
    if 2 * index + 1 >= len(header) or int(header[2 * index]) != ref.idnum:
        return ref.get_object()  # an unusual stream: pypdf's own way
    buffer = io.BytesIO(data)
    buffer.seek(first + int(header[2 * index + 1]))
    read_non_whitespace(buffer)
    buffer.seek(-1, 1)
    return read_object(buffer, reader)


def _startxref(pdf: bytes) -> int:
    found = _STARTXREF.search(pdf[-64:])
    if found is None:
        raise ValueError("the cover letter has no startxref at its end")
    return int(found.group(1))


def _reachable(reader: PdfReader, start: int) -> list[int]:
    """Object numbers reachable from ``start`` without climbing back up through /Parent."""
    seen, todo = {start}, [start]
    while todo:
        for ref in _references(reader.get_object(todo.pop())):
            if ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return sorted(seen)


def _references(obj: Any) -> list[int]:
    if isinstance(obj, IndirectObject):
        return [obj.idnum]
    if isinstance(obj, dict):
        return [r for k, v in obj.items() if k != "/Parent" for r in _references(v)]
    if isinstance(obj, list):
        return [r for v in obj for r in _references(v)]
    return []


def _renumbered(obj: Any, numbers: dict[int, int]) -> Any:
    if isinstance(obj, IndirectObject):
        return IndirectObject(numbers[obj.idnum], 0, obj.pdf)
    if isinstance(obj, StreamObject):
        stream = type(obj)()
        stream._data = obj._data  # the encoded bytes, copied as they are
        stream.update({k: _renumbered(v, numbers) for k, v in obj.items()})
        return stream
    if isinstance(obj, DictionaryObject):
        return DictionaryObject({k: _renumbered(v, numbers) for k, v in obj.items()})
    if isinstance(obj, ArrayObject):
        return ArrayObject(_renumbered(v, numbers) for v in obj)
    return obj


def _serialise_annex(reader: PdfReader, base: int, parent: int) -> _Block:
    root = _page_tree(reader).idnum
    old = _reachable(reader, root)
    numbers = {number: base + i for i, number in enumerate(old)}
    chunks: list[bytes] = []
    offsets: list[int] = []
    position = 0
    for number in old:
        obj = _renumbered(reader.get_object(number), numbers)
        if number == root:
            obj[NameObject("/Parent")] = IndirectObject(parent, 0, reader)
        chunk = _serialise(numbers[number], 0, obj)
        offsets.append(position)
        chunks.append(chunk)
        position += len(chunk)
    return _Block(b"".join(chunks), tuple(offsets), numbers[root])


def _serialise(number: int, generation: int, obj: PdfObject) -> bytes:
    buffer = io.BytesIO()
    buffer.write(f"{number} {generation} obj\n".encode())
    obj.write_to_stream(buffer)
    buffer.write(b"\nendobj\n")
    return buffer.getvalue()


def _xref_stream(
    trailer: DictionaryObject, entries: list[tuple[int, int, int]], *, at: int, prev: int
) -> bytes:
    """The update's cross-reference stream (itself the last object), trailer and startxref."""
    number = entries[-1][0] + 1
    entries = [*entries, (number, at, 0)]
    rows = b"".join(_ROW.pack(1, offset, generation) for _, offset, generation in entries)
    data = zlib.compress(rows, 1)  # a few kB of offsets: fast beats small
    index: list[int] = []
    for n, _, _ in entries:  # runs of consecutive object numbers: [first count ...]
        if index and index[-2] + index[-1] == n:
            index[-1] += 1
        else:
            index += [n, 1]
    keys = {k: trailer.raw_get(k) for k in ("/Root", "/Info", "/ID") if k in trailer}
    head = DictionaryObject({NameObject(k): v for k, v in keys.items()})
    buffer = io.BytesIO()
    head.write_to_stream(buffer)
    extra = buffer.getvalue()[2:-2]  # the trailer keys we keep, without << >>
    dictionary = (
        f"<</Type /XRef/Size {number + 1}/Index [{' '.join(map(str, index))}]/W [1 4 2]"
        f"/Prev {prev}/Filter /FlateDecode/Length {len(data)}"
    ).encode()
    return b"".join(
        [
            f"{number} 0 obj\n".encode(),
            dictionary,
            extra,
            b">>\nstream\n",
            data,
            f"\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n".encode(),
        ]
    )
