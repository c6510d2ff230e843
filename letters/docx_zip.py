"""Writing a python-docx package as the DOCX's bytes: fixed timestamps, remembered deflating.

Rule: same letter → same bytes. python-docx stamps the zip members with the current time, so
the package is written with a fixed timestamp (``_fixed_timestamps``: the simple path, save and
rewrite). ``zipped(members(document))`` writes the parts once, in the order python-docx writes
them, straight into the fixed-timestamp zip; and a part whose bytes a letter before had (every
part but the document, its properties and footer) reuses that deflated stream (``_Deflated``).
The bytes are those of the simple path (tests/letters/test_docx.py compares them).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import OrderedDict
from typing import Any

from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

_EPOCH = (1980, 1, 1, 0, 0, 0)


def fixed_timestamps(content: bytes) -> bytes:
    """The simple path's last step: python-docx's package rewritten with fixed timestamps (each
    member deflated at zlib's default level: a ``ZipInfo`` carries no level of its own)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def members(document: Any) -> list[tuple[str, bytes]]:
    """The package's members as python-docx's ``PackageWriter`` writes them, in its order."""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    types = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
    members = [
        (CONTENT_TYPES_URI.membername, types.blob),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        members.append((part.partname.membername, part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return members


# Deflated parts by their bytes, most recent last: a worker renders a few template sets and
# languages, each with a dozen parts that never change.
_DEFLATED: OrderedDict[bytes, bytes] = OrderedDict()
_DEFLATED_KEPT = 64


class _Deflated:
    """A member's deflate stream as zipfile's own compressor makes it (default level, raw),
    given whole in ``compress``; remembered for bytes seen before (styles, theme, fonts...)."""

    def __init__(self) -> None:
        self._out = b""

    def compress(self, data: bytes) -> bytes:
        out = _DEFLATED.get(data)
        if out is None:
            deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            out = _DEFLATED[bytes(data)] = deflate.compress(data) + deflate.flush()
            while len(_DEFLATED) > _DEFLATED_KEPT:
                _DEFLATED.popitem(last=False)
        else:
            _DEFLATED.move_to_end(data)
        self._out = out
        return b""

    def flush(self) -> bytes:
        return self._out


def zipped(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            fixed = zipfile.ZipInfo(name, date_time=_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.file_size = len(data)
            with target.open(fixed, "w") as member:
                # zipfile takes the CRC and sizes as it writes; only the deflating is ours.
                member._compressor = _Deflated()  # type: ignore[attr-defined]
                member.write(data)
    return out.getvalue()
