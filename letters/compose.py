"""Composing one addressee's letter: every value the templates need, already localised.

Rule: ``ComposedLetter`` is plain, immutable data; renderers turn it into bytes and must not
reach back into the database. Same ``ComposedLetter`` → same bytes. The body's Markdown forms
are ``letters.body_text``; the support and progress sentences ``letters.support``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache

import qrcode
from markupsafe import Markup

from campaigns.appeal import Appeal, Cosigner, Sender
from letters import wording
from letters.body_text import body_html, plain_paragraphs
from letters.progress import Progress
from letters.support import progress_paragraph, support_sentence
from storage.tables import Addressee


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ComposedText:
    """The appeal's text in one more language, for a bilingual letter (after the main text)."""

    language: str
    heading: str
    salutation: str
    body_markdown: str
    demands: tuple[str, ...]
    closing: str
    signatures_text: str
    labels: dict[str, str]
    # The opening paragraph: a follow-up's reminder (``letters.reminder``) or a progress
    # letter's update (``letters.progress``), else empty.
    reminder: str = ""

    @property
    def body_html(self) -> Markup:
        return body_html(self.body_markdown)

    @property
    def body_paragraphs(self) -> tuple[str, ...]:
        return plain_paragraphs(self.body_markdown)


@dataclass(frozen=True)
class ComposedLetter:
    """Everything that ends up in one letter, in its language."""

    letter_id: int
    language: str
    subject: str
    heading: str
    date: datetime
    date_text: str
    addressee_key: str
    addressee_name: str
    addressee_lines: tuple[str, ...]
    addressee_official: str
    recipient_email: str
    salutation: str
    body_markdown: str
    demands: tuple[str, ...]
    closing: str
    cosigners: tuple[Cosigner, ...]
    sender: Sender
    signature_count: int
    signatures_text: str
    petition_url: str
    message_id: str
    reply_to: str
    template: str
    labels: dict[str, str]
    attachments: tuple[Attachment, ...] = field(default=())
    # Bilingual layout: the same appeal in the layout's other language(s), shown after this one.
    translations: tuple[ComposedText, ...] = field(default=())
    # The opening paragraph: a follow-up's reminder (``letters.reminder``) or a progress
    # letter's update (``letters.progress``), else empty.
    reminder: str = ""

    @property
    def body_html(self) -> Markup:
        return body_html(self.body_markdown)

    @property
    def body_paragraphs(self) -> tuple[str, ...]:
        return plain_paragraphs(self.body_markdown)

    @property
    def qr_data_uri(self) -> str:
        return qr_svg_data_uri(self.petition_url)


@cache
def qr_svg_data_uri(url: str) -> str:
    """The petition URL as an inline SVG QR code (no file, no network).

    Each run of dark modules in a row is one stroked line: about a quarter of the path points
    of one square per module, and SVG paths are a fifth of a cover letter's render time.
    """
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            start = x
            while x < size and row[x]:
                x += 1
            if x > start:
                runs.append(f"M{start} {y}.5h{x - start}")
            x += 1
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" '
        f'viewBox="0 0 {size} {size}"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" stroke-width="1" d="{"".join(runs)}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def addressee_lines(addressee: Addressee) -> tuple[str, ...]:
    """The address block: person and title, institution, then the postal address; a line the
    registry repeats (an office whose title is the institution's name) is written once."""
    lines = [addressee.person, addressee.title, addressee.official_name or addressee.name]
    lines += addressee.postal_address.splitlines()
    kept: list[str] = []
    for line in (line.strip() for line in lines):
        if line and line.casefold() not in {k.casefold() for k in kept}:
            kept.append(line)
    return tuple(kept)


def compose(
    *,
    appeal: Appeal,
    addressee: Addressee,
    letter_id: int,
    language: str,
    dated: datetime,
    signature_count: int,
    signatures_as_of: datetime,
    message_id: str,
    reply_to: str,
    first_written: date | None = None,
    progress: Progress | None = None,
) -> ComposedLetter:
    """Build the letter for one addressee from the appeal and the batch's snapshot; with
    ``first_written`` (a follow-up) it is a reminder of the letter sent that day, with
    ``progress`` (a later milestone) an update on the letter sent before."""
    snapshot = (signature_count, signatures_as_of, first_written, progress)
    main = _text(appeal, addressee, language, *snapshot)
    subject = appeal.texts[language].subject
    if first_written is not None:
        subject = main.labels["reminder.subject"].format(subject=subject)
    elif progress is not None:
        subject = main.labels["progress.subject"].format(subject=subject)
    locale = wording.locale_for(language, addressee.country)
    # A bilingual layout shows exactly its two languages: this one, then the other.
    layout = appeal.layout.languages
    others = [code for code in layout if code != language][:1] if language in layout else []
    if addressee.salutation:
        main = replace(main, salutation=addressee.salutation)
    return ComposedLetter(
        letter_id=letter_id,
        language=language,
        subject=subject,
        heading=main.heading,
        date=dated,
        date_text=wording.long_date(dated.date(), locale),
        addressee_key=addressee.key,
        addressee_name=addressee.name,
        addressee_lines=addressee_lines(addressee),
        addressee_official=addressee.official_name,
        recipient_email=addressee.email,
        salutation=main.salutation,
        body_markdown=main.body_markdown,
        demands=main.demands,
        closing=main.closing,
        cosigners=tuple(appeal.cosigners),
        sender=appeal.sender,
        signature_count=signature_count,
        signatures_text=main.signatures_text,
        petition_url=appeal.petition_url,
        message_id=message_id,
        reply_to=reply_to,
        template=appeal.template,
        labels=main.labels,
        translations=tuple(_text(appeal, addressee, code, *snapshot) for code in others),
        reminder=main.reminder,
    )


def _text(
    appeal: Appeal,
    addressee: Addressee,
    language: str,
    signature_count: int,
    signatures_as_of: datetime,
    first_written: date | None,
    progress: Progress | None = None,
) -> ComposedText:
    """The appeal's text and fixed wording in ``language``, localised for the addressee."""
    locale = wording.locale_for(language, addressee.country)
    text = appeal.texts[language]
    words = wording.labels(language)
    reminder = ""
    if first_written is not None:
        reminder = wording.fill(
            words["reminder"], date=wording.long_date(first_written, locale), heading=text.heading
        )
    elif progress is not None:
        reminder = progress_paragraph(progress, words, language, locale, heading=text.heading)
    return ComposedText(
        language=language,
        heading=text.heading,
        salutation=wording.salutation(
            language, office=addressee.office or "", category=addressee.category
        ),
        body_markdown=text.body,
        demands=tuple(text.demands),
        closing=text.closing,
        signatures_text=support_sentence(
            appeal, language, locale, count=signature_count, as_of=signatures_as_of
        ),
        labels=words,
        reminder=reminder,
    )
