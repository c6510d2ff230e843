"""The letter as an email: text and HTML alternatives with the signed PDF attached.

Rule: the bytes are fixed at render time (Date, Message-ID, MIME boundaries derived from the
letter), so what a reviewer approves is exactly what the outbox sends. Header values go through
``email.headerregistry``, which refuses CR/LF: no header injection from registry or appeal data.

Speed: the standard library base64-encodes an attachment 57 bytes at a time and writes it out
line by line, about 50 ms for a letter PDF carrying a 150,000-name annex, more than the PDF
itself costs. So each attachment is built with a short stand-in, and the stand-in's encoded line
in the finished bytes is replaced by the content encoded in one call and cut into the same
76-column lines, joined with the message's CRLF, the annex's encoding reused from letter to
letter (``letters.base64_runs``): the same bytes the library would write
(tests/letters/test_email.py compares them). The finished message is spliced
together once: each pass over a multi-megabyte buffer (a ``replace``, a ``count``) costs
milliseconds.
"""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from errors import TemplateError
from letters import base64_runs
from letters.compose import ComposedLetter
from letters.documents import RenderedDocument
from letters.email_headers import SMTP, SMTPUTF8
from letters.sandbox import render_template, template_folder
from recipients.addresses import header_address


def _address(display_name: str, addr_spec: str) -> Address:
    try:
        return header_address(display_name, addr_spec)  # IDN domains as xn--, not RFC 2047
    except (ValueError, IndexError) as exc:
        raise TemplateError(f"bad email address {display_name!r} <{addr_spec}>: {exc}") from exc


class EmailRenderer:
    """Renders ``email.txt.j2`` and ``email.html.j2`` and attaches the letter's PDF."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir

    def render(self, letter: ComposedLetter) -> RenderedDocument:
        folder = template_folder(self.templates_dir, letter.template)
        context = {"letter": letter, "labels": letter.labels}
        # A non-ASCII local part has no ASCII form: such a message is SMTPUTF8 (RFC 6532).
        utf8 = not letter.recipient_email.partition("@")[0].isascii()
        message = EmailMessage(policy=SMTPUTF8 if utf8 else SMTP)
        try:
            message["From"] = _address(letter.sender.name, letter.sender.email)
            message["To"] = _address(letter.addressee_name, letter.recipient_email)
            message["Reply-To"] = _address(letter.sender.organisation, letter.reply_to)
            message["Subject"] = letter.subject
            message["Date"] = format_datetime(letter.date)
            message["Message-ID"] = letter.message_id
        except ValueError as exc:
            raise TemplateError(f"letter {letter.letter_id}: unsafe header value: {exc}") from exc
        message.set_content(render_template(folder, "email.txt.j2", **context))
        message.add_alternative(render_template(folder, "email.html.j2", **context), subtype="html")
        encoded = {}
        for index, attachment in enumerate(letter.attachments):
            maintype, _, subtype = attachment.media_type.partition("/")
            stand_in = hashlib.sha256(f"{letter.message_id}/{index}".encode()).digest()
            message.add_attachment(
                stand_in, maintype=maintype, subtype=subtype, filename=attachment.filename
            )
            encoded[base64_runs.plain_lines(stand_in)] = attachment.content
        # After the body: set_content() clears every Content-* header set before it.
        message["Content-Language"] = letter.language
        _fix_boundaries(message, letter.message_id)
        content = _spliced(_subject_on_its_line(message.as_bytes()), encoded, letter.letter_id)
        return RenderedDocument(content, "message/rfc822", "eml")


def _spliced(content: bytes, encoded: dict[bytes, bytes], letter_id: int) -> bytes:
    """``content`` with each stand-in's encoded line replaced by its real content's lines."""
    parts, at = [], 0
    for line, real in sorted(encoded.items(), key=lambda item: content.find(item[0])):
        found = content.find(line, at)
        # A 44-character digest found twice in a small message: never, but never guess.
        if found < 0 or content.find(line, found + 1) >= 0:
            raise TemplateError(f"letter {letter_id}: attachment stand-in not unique")
        parts += [content[at:found], base64_runs.lines(real)]
        at = found + len(line)
    parts.append(content[at:])
    return b"".join(parts)


def _fix_boundaries(message: EmailMessage, seed: str) -> None:
    """Replace the random MIME boundaries with ones derived from the letter, for stable bytes."""
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            digest = hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()[:24]
            part.set_boundary(f"=_advocacy_{index}_{digest}")


_FOLD_AT = 78  # RFC 5322's recommended line length, as the email package folds


def _subject_on_its_line(content: bytes) -> bytes:
    """The Subject header folded with its first word on the ``Subject:`` line.

    The email package folds a subject just too long for one line right after the colon
    ("Subject:" CRLF " Petition: …"), which some parsers read with a leading space. Refolded
    here at the same spaces (tokens and their order unchanged), the first one kept up top.
    """
    start = content.find(b"\r\nSubject:\r\n ")
    if start < 0:
        return content
    start += 2
    end = start
    while True:  # the header runs on while the next line starts with folding whitespace
        end = content.index(b"\r\n", end + 1)
        if content[end + 2 : end + 3] not in (b" ", b"\t"):
            break
    value = content[start + len(b"Subject:\r\n ") : end].replace(b"\r\n ", b" ")
    tokens = value.split(b" ")
    lines, line = [], b"Subject: " + tokens[0]
    for token in tokens[1:]:
        if len(line) + 1 + len(token) > _FOLD_AT:
            lines.append(line)
            line = b" " + token
        else:
            line += b" " + token
    return content[:start] + b"\r\n".join([*lines, line]) + content[end:]
