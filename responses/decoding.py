"""Header values and text bytes of inbound mail, decoded as people read them.

Rule: a header or a text part always comes back as text: a malformed encoded word is shown as
it came, and charsets fall back declared → UTF-8 → Latin-1 with a note saying which was taken.
Control characters are dropped from every value (no name or address has one, and PostgreSQL
refuses NUL in text).
Why apart from ``responses.parse``: the parse boundary walks a message; these are the string
rules it and its readers share (``Mail.header``, ``Mail.raw_header``).
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATE = re.compile("[\udc80-\udcff]")


def _unsurrogate(value: str) -> str:
    """8-bit header bytes (smuggled through the parser as surrogates): UTF-8, else Latin-1."""
    if not _SURROGATE.search(value):
        return value
    data = value.encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", value).replace("\r", "").replace("\n", "")


def raw_line(value: str) -> str:
    """A header value as received (for addresses and ids): folded lines joined, 8-bit bytes
    read as UTF-8 else Latin-1, control characters dropped; RFC 2047 words left encoded."""
    return _CONTROL.sub("", _unfold(_unsurrogate(value)))


def header_text(value: object) -> str:
    """A header value as people read it: RFC 2047 words decoded and joined (adjacent encoded
    words without the space ``policy.default`` inserts), control characters dropped."""
    text = _unfold(_unsurrogate(str(value)))
    try:
        chunks = decode_header(text)
    except Exception:  # a malformed encoded word: show it as it came
        chunks = [(text, None)]
    parts = []
    for data, charset in chunks:
        parts.append(data if isinstance(data, str) else decode_bytes(data, charset)[0])
    return " ".join(_CONTROL.sub("", "".join(parts)).split())


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str]:
    """(text, note): the declared charset, else UTF-8, else Latin-1; the note says which
    fallback was taken and why ("" when the declared charset read the bytes)."""
    name = (declared or "").strip().strip("\"'")
    problem = "no charset declared" if not name else ""
    if name:
        try:
            return data.decode(codecs.lookup(name).name), ""
        except LookupError:  # unknown, or not a text encoding (rot13, base64 …)
            problem = f"unknown charset {name!r}"
        except (UnicodeDecodeError, ValueError):
            problem = f"bytes are not {name!r}"
    try:
        return data.decode("utf-8"), f"{problem}: read as UTF-8" if name else ""
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"{problem or 'not UTF-8'}: read as Latin-1"
