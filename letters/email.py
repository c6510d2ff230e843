"""The letter as an email: text and HTML alternatives with the signed PDF attached.

Rule: the bytes are fixed at render time (Date, Message-ID, MIME boundaries derived from the
letter), so what a reviewer approves is exactly what the outbox sends. Header values go through
``email.headerregistry``, which refuses CR/LF: no header injection from registry or appeal data.
"""

from __future__ import annotations

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from errors import TemplateError
from letters.compose import ComposedLetter
from letters.documents import RenderedDocument
from letters.sandbox import render_template, template_folder


def _address(display_name: str, addr_spec: str) -> Address:
    try:
        return Address(display_name=display_name, addr_spec=addr_spec)
    except (ValueError, IndexError) as exc:
        raise TemplateError(f"bad email address {display_name!r} <{addr_spec}>: {exc}") from exc


class EmailRenderer:
    """Renders ``email.txt.j2`` and ``email.html.j2`` and attaches the letter's PDF."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir

    def render(self, letter: ComposedLetter) -> RenderedDocument:
        folder = template_folder(self.templates_dir, letter.template)
        context = {"letter": letter, "labels": letter.labels}
        message = EmailMessage(policy=SMTP)
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
        for attachment in letter.attachments:
            maintype, _, subtype = attachment.media_type.partition("/")
            message.add_attachment(
                attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
            )
        # After the body: set_content() clears every Content-* header set before it.
        message["Content-Language"] = letter.language
        _fix_boundaries(message, letter.message_id)
        return RenderedDocument(message.as_bytes(), "message/rfc822", "eml")


def _fix_boundaries(message: EmailMessage, seed: str) -> None:
    """Replace the random MIME boundaries with ones derived from the letter, for stable bytes."""
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            digest = hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()[:24]
            part.set_boundary(f"=_advocacy_{index}_{digest}")
