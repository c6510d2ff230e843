"""What kind of message came in, and its text: automatic reply, bounce, or a person's answer.

Rule: classification only reads the message; it never decides whom a message belongs to. HTML is
turned into plain text by a parser that drops scripts and styles, so nothing from a message is
ever shown as markup.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from pathlib import Path

# Subjects of out-of-office answers (Outlook prefixes, Gmail's vacation responder is usually
# the user's own subject, hence the headers first) in English, German, Russian and French.
_AUTO_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoresponse|"
    r"abwesenheitsnotiz|automatische antwort|abwesend|"
    r"автоматический ответ|автоответ|нет на месте|"
    r"réponse automatique|(^|:\s*)(absence|absent)\b",
    re.IGNORECASE,
)
# Openings of out-of-office bodies; only the first lines are read, so a person's answer that
# mentions a holiday further down is not mistaken for one.
_AUTO_BODY = re.compile(
    r"i am (currently )?out of (the )?office|i('m| am) (currently )?away|"
    r"ich bin (derzeit |zurzeit )?(nicht im büro|abwesend)|"
    r"я (сейчас )?(в отпуске|нахожусь в отпуске|отсутствую)|"
    r"je suis (actuellement )?absent",
    re.IGNORECASE,
)
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote", "table"}


class _TextOnly(HTMLParser):
    """Collects the text of an HTML document; script, style and head contents are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"}:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body: tags and scripts gone, paragraphs kept as lines."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def body_text(message: EmailMessage) -> str:
    """The message's text: the plain part, else the HTML part converted to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    assert isinstance(part, EmailMessage)
    content = str(part.get_content())
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def is_automatic(message: EmailMessage) -> bool:
    """RFC 3834 auto-replies, vendor headers, and out-of-office subjects or openings."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto != "no" or any(h in message for h in ("X-Autoreply", "X-Autorespond")):
        return True
    if str(message.get("Precedence", "")).strip().lower() == "auto_reply":
        return True
    if _AUTO_SUBJECT.search(str(message.get("Subject", ""))):
        return True
    opening = " ".join(body_text(message).split()[:40])
    return bool(_AUTO_BODY.search(opening))


def is_bounce(message: Message) -> bool:
    """A delivery status notification (RFC 3464) or a mailer daemon's failure report."""
    if message.get_content_type() == "multipart/report":
        return str(message.get_param("report-type", "")).lower() == "delivery-status"
    sender = str(message.get("From", "")).lower()
    return "mailer-daemon@" in sender or "postmaster@" in sender


def save_attachments(message: EmailMessage, folder: Path) -> list[Path]:
    """Write each attachment under ``folder`` with a safe name; return the paths written."""
    written = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = re.sub(r"[^\w.-]+", "_", Path(part.get_filename() or "").name).strip("._")
        path = folder / f"{number:02d}-{name or 'attachment'}"
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        written.append(path)
    return written
