"""Base64 for email attachments that share a long run of bytes: the run's encoding is kept.

Rule: ``lines(data)`` is exactly ``base64.encodebytes(data)`` with CRLF line ends — 76 columns,
each line one 57-byte group of ``data`` counted from its start. When a run registered with
``remember`` (the batch's serialised annex, the same bytes in every letter PDF) sits in
``data`` at offset ``p``, the data is cut at group boundaries around the run's whole groups;
the encoding of those groups depends only on ``p`` mod 57, so it is made once per alignment and
kept (at most ``KEPT_BYTES``), and the three encodings joined are the whole one's.

Why: base64 of a letter PDF carrying a 150,000-name annex (1.8 MB) is about 10 ms per letter,
on every letter, for bytes that are the same in all of them but for their offset.
"""

from __future__ import annotations

import binascii
from collections import OrderedDict

GROUP = 57  # bytes per 76-column line
_LINE = 76
RUN_AT_LEAST = 64 * 1024  # shorter runs are not worth a lookup
KEPT_BYTES = 256 * 1024 * 1024  # encodings kept per process, most recently used first
RUNS_KEPT = 4  # a batch has one annex per language

_runs: OrderedDict[bytes, bytes] = OrderedDict()  # first 64 bytes → the run
_encoded: OrderedDict[tuple[bytes, int], bytes] = OrderedDict()
_kept = [0]


def remember(run: bytes) -> None:
    """Keep ``run`` as one that many attachments will carry (a few, most recent kept)."""
    if len(run) < RUN_AT_LEAST:
        return
    _runs[run[:64]] = run
    _runs.move_to_end(run[:64])
    while len(_runs) > RUNS_KEPT:
        key, _ = _runs.popitem(last=False)
        for cached in [k for k in _encoded if k[0] == key]:
            _kept[0] -= len(_encoded.pop(cached))


def plain_lines(data: bytes) -> bytes:
    """``data`` in 76-column base64 lines, each ending CRLF, in one pass."""
    encoded = binascii.b2a_base64(data, newline=False)
    lines = [encoded[i : i + _LINE] for i in range(0, len(encoded), _LINE)]
    lines.append(b"")
    return b"\r\n".join(lines)


def lines(data: bytes) -> bytes:
    """``data`` in 76-column base64 lines ending CRLF, a remembered run's encoding reused."""
    for key, run in reversed(_runs.items()):
        at = data.find(key)
        if at >= 0 and data.startswith(run, at):
            skip = -at % GROUP  # from the run's start to its first whole group
            whole = (len(run) - skip) // GROUP * GROUP
            start, end = at + skip, at + skip + whole
            middle = _run_lines(key, run, skip, whole)
            return b"".join([plain_lines(data[:start]), middle, plain_lines(data[end:])])
    return plain_lines(data)


def _run_lines(key: bytes, run: bytes, skip: int, whole: int) -> bytes:
    cached = _encoded.get((key, skip))
    if cached is None:
        cached = _encoded[(key, skip)] = plain_lines(run[skip : skip + whole])
        _kept[0] += len(cached)
        while _kept[0] > KEPT_BYTES and len(_encoded) > 1:
            _, dropped = _encoded.popitem(last=False)
            _kept[0] -= len(dropped)
    else:
        _encoded.move_to_end((key, skip))
    return cached
