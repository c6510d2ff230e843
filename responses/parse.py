"""The one parse boundary for inbound mail: raw bytes in, a readable ``Mail`` or a quarantine out.

Rule: ``read`` never raises on content. Whatever cannot be read safely (empty, too large, no
headers, nested or split too far, truncated, anything the email package chokes on) comes back
with ``quarantine`` set to the reason, and the raw bytes are kept by the caller. Charsets fall
back declared → UTF-8 → Latin-1, and each fallback is recorded in ``notes``. Header values are
decoded here (``header_text``, ``responses.decoding``) so names never gain spurious spaces,
wherever they are shown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from responses.decoding import decode_bytes, header_text, raw_line
from responses.html_text import html_to_text

MAX_DEPTH = 20  # real mail nests 3–5 deep; the email package recurses and dies near 1,000
MAX_PARTS = 500
HEADER_BYTES = 65_536  # of a message too large to parse, only this much is read for its headers
_KNOWN = ("from", "to", "subject", "date", "message-id", "received", "content-type")
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass
class Mail:
    """One inbound message as read: headers decoded, text found, or the quarantine reason."""

    raw: bytes
    sha256: str
    quarantine: str = ""  # "" when readable
    message: Message | None = None  # the compat32 tree (None when nothing could be parsed)
    notes: list[str] = field(default_factory=list)
    text: str = ""
    html: bool = False  # the text came from an HTML part (scripts and markup dropped)
    attachments: list[Attachment] = field(default_factory=list)
    _headers: dict[str, list[str]] = field(default_factory=dict)
    _decoded: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        """The first ``name`` header, decoded to one clean line ("" when absent)."""
        key = name.lower()
        if key not in self._decoded:  # classification asks for the same few headers often
            values = self._headers.get(key)
            self._decoded[key] = header_text(values[0]) if values else ""
        return self._decoded[key]

    def headers(self, name: str) -> list[str]:
        return [header_text(v) for v in self._headers.get(name.lower(), [])]

    def raw_header(self, name: str) -> str:
        """The first ``name`` header as received (folded lines joined, control characters
        dropped: no address or id has one, and PostgreSQL refuses NUL in text), for
        addresses/ids."""
        values = self._headers.get(name.lower())
        return raw_line(values[0]) if values else ""

    @property
    def message_id(self) -> str:
        found = re.search(r"<[^<>\s]{1,250}>", self.raw_header("Message-ID"))
        return found.group(0) if found else f"<sha256-{self.sha256}@inbound>"


def _headers_of(message: Message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        found.setdefault(str(name).lower(), []).append(str(value))
    return found


def _walk(message: Message) -> tuple[list[tuple[Message, int]], str]:
    """Every part with its depth, iteratively; a reason when a limit is passed."""
    parts: list[tuple[Message, int]] = []
    stack = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            return parts, f"nested deeper than {MAX_DEPTH} levels"
        parts.append((part, depth))
        if len(parts) > MAX_PARTS:
            return parts, f"more than {MAX_PARTS} parts"
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
    return parts, ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # an RFC 2231 parameter that does not decode
        name = None
    return header_text(name) if name else ""


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).lower()
    return disposition.startswith("attachment") or bool(_filename(part))


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _fill(mail: Mail, parts: list[tuple[Message, int]]) -> None:
    """The message's text (plain part first, else HTML as text) and its attachments."""
    texts: dict[str, Message] = {}
    for number, (part, _) in enumerate(parts, start=1):
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        if _is_attachment(part):
            name = _filename(part) or f"part-{number}"
            if part.get_content_type() == "application/ms-tnef" or name.lower() == "winmail.dat":
                mail.notes.append(f"{name}: Outlook TNEF kept as an attachment, not unpacked")
            mail.attachments.append(Attachment(name, _payload(part)))
        elif part.get_content_type() in {"text/plain", "text/html"}:
            texts.setdefault(part.get_content_subtype(), part)
    chosen = texts.get("plain") or texts.get("html")
    if chosen is None:
        return
    text, note = decode_bytes(_payload(chosen), chosen.get_content_charset())
    if note:
        mail.notes.append(f"text part: {note}")
    mail.html = chosen.get_content_subtype() == "html"
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL; it carries nothing
    mail.text = html_to_text(text) if mail.html else text.replace("\r\n", "\n")


def _quarantine_reason(raw: bytes, max_bytes: int) -> str:
    if not raw.strip():
        return "empty message"
    if len(raw) > max_bytes:
        return f"larger than the limit of {max_bytes:,} bytes ({len(raw):,} bytes)"
    if len(_BOUNDARY.findall(raw)) > MAX_PARTS:
        return f"more than {MAX_PARTS} multipart sections"
    return ""


def _truncated(message: Message, parts: list[tuple[Message, int]]) -> str:
    for part, _ in parts:
        for defect in getattr(part, "defects", []):
            if type(defect).__name__ in {
                "CloseBoundaryNotFoundDefect",
                "StartBoundaryNotFoundDefect",
            }:
                return "truncated: a multipart section has no closing boundary"
    if not any(name in _headers_of(message) for name in _KNOWN):
        return "not a mail message: no From, To, Subject, Date or Message-ID header"
    return ""


def _parse_into(mail: Mail, max_bytes: int) -> None:
    mail.quarantine = _quarantine_reason(mail.raw, max_bytes)
    if mail.quarantine:
        return
    message = message_from_bytes(mail.raw, policy=compat32)
    mail.message, mail._headers = message, _headers_of(message)
    parts, mail.quarantine = _walk(message)
    mail.quarantine = mail.quarantine or _truncated(message, parts)
    if not mail.quarantine:
        _fill(mail, parts)


def read(raw: bytes, *, max_bytes: int) -> Mail:
    """Read one raw message; never raises on its content (see the module rule)."""
    mail = Mail(raw=raw, sha256=identity_hash(raw))
    try:
        _parse_into(mail, max_bytes)
    except RecursionError:
        mail.quarantine = "nested too deep for the mail parser"
    except Exception as exc:  # the boundary's promise: any failure is a reason, not a crash
        mail.quarantine = f"unreadable ({type(exc).__name__}: {str(exc)[:200]})"
    if mail.quarantine and not mail._headers:
        mail._headers = _head_only(raw)
    return mail


def identity_hash(raw: bytes) -> str:
    """The sha256 that, with the Message-ID, names a message: of its bytes with CRLF line ends
    read as LF, since IMAP servers hand back CRLF what a file or mbox held with LF."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def _head_only(raw: bytes) -> dict[str, list[str]]:
    """The headers of a message whose body could not be parsed (for the pen's listing)."""
    try:
        return _headers_of(BytesHeaderParser(policy=compat32).parsebytes(raw[:HEADER_BYTES]))
    except Exception:  # not even a header block: the pen shows the reason alone
        return {}
