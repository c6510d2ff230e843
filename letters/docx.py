"""The letter as an editable Word document (python-docx), with the same content as the PDF.

Rule: same letter → same bytes. python-docx stamps the zip members with the current time, so
the package is written with a fixed timestamp, and the core properties carry the letter date
(``letters.docx_zip``).

Speed: ``Document()`` parses python-docx's default template (800 kB of styles) and every part
was serialised again for every letter. Here each process opens the template once and sets up
what every letter shares (page, margins, the Normal style: ``_blank``); the parts no letter
changes (styles, settings, numbering) are then kept as their serialised bytes, and each letter
starts from a deep copy of that blank document: its document part, properties and package
objects only. The bytes are those of the simple path, a fresh ``Document()`` set up in full,
saved and rewritten (tests/letters/test_docx.py compares them).
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import cache
from typing import Any

import qrcode
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from letters.compose import ComposedLetter
from letters.documents import RenderedDocument
from letters.docx_zip import fixed_timestamps, members, zipped

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page_number_field(paragraph: Any) -> None:
    """Word has no API for fields in python-docx; a PAGE field is three runs of raw XML."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _qr_png(url: str) -> io.BytesIO:
    return io.BytesIO(_qr_png_bytes(url))


@cache
def _qr_png_bytes(url: str) -> bytes:
    """The petition's QR code as a PNG: one per campaign, not one per letter (~17 ms each)."""
    buffer = io.BytesIO()
    qrcode.make(url, border=1, box_size=6).save(buffer, format="PNG")
    return buffer.getvalue()


def _shared_setup(document: Any) -> None:
    """What every letter's document has alike: A4, its margins, the Normal style's font."""
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "PT Serif", Pt(11)


def _own_setup(document: Any, letter: ComposedLetter) -> None:
    """The letter's properties and footer."""
    props = document.core_properties
    props.title, props.author = letter.subject, letter.sender.name
    props.language, props.last_modified_by, props.revision = letter.language, "", 1
    props.created = props.modified = letter.date.replace(tzinfo=None)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{letter.sender.organisation} · {letter.labels['page']} "
    _page_number_field(footer)


# The document part's related parts that building a letter never reads or changes.
_UNCHANGING = (RT.STYLES, RT.SETTINGS, RT.NUMBERING)


@dataclass(frozen=True)
class _Blank:
    document: Any  # set up as every letter is, its unchanging parts kept as bytes
    styles: dict[str, str]


@cache
def _blank() -> _Blank:
    """The template opened and set up once per process (see the module's docstring)."""
    document = Document()
    _shared_setup(document)
    styles = _styles(document)
    rels = document.part.rels
    for rel in rels.values():
        if rel.reltype in _UNCHANGING and not rel.is_external:
            part = rel.target_part
            frozen = Part(part.partname, part.content_type, part.blob, part.package)
            rel._target = rels._target_parts_by_rId[rel.rId] = frozen
    return _Blank(document, styles)


def _styles(document: Any) -> dict[str, str]:
    """The ids of the paragraph styles the letter uses, looked up once. Setting a style by name
    or object makes python-docx walk every style of the document (twice: to find it, then to
    see whether it is the default), ~2 ms each time and a dozen times a letter."""
    names = ("Heading 1", "Heading 2", "List Number", "List Bullet")
    return {name: document.styles[name].style_id for name in names}


def _styled(document: Any, text: str, style_id: str) -> None:
    """A paragraph in the style ``style_id``: the same XML as ``add_paragraph(text, style)``."""
    document.add_paragraph(text)._p.style = style_id


def _letter(document: Any, letter: ComposedLetter, styles: dict[str, str]) -> None:
    header = document.add_paragraph()
    header.add_run(letter.sender.organisation).bold = True
    for line in [*letter.sender.postal_address.splitlines(), letter.sender.email]:
        header.add_run("\n" + line).font.size = Pt(9)
    document.add_paragraph("\n".join(letter.addressee_lines))
    document.add_paragraph(letter.date_text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _styled(document, letter.heading, styles["Heading 1"])
    document.add_paragraph(letter.salutation)
    if letter.reminder:
        document.add_paragraph(letter.reminder)
    for text in letter.body_paragraphs:
        document.add_paragraph(text)
    document.add_paragraph().add_run(letter.labels["demands"]).bold = True
    for demand in letter.demands:
        _styled(document, demand, styles["List Number"])
    document.add_paragraph(letter.closing)
    document.add_paragraph().add_run(letter.sender.name).bold = True
    for t in letter.translations:  # bilingual layout: the other language, on a new page
        document.add_page_break()
        _styled(document, t.heading, styles["Heading 1"])
        document.add_paragraph(t.salutation)
        if t.reminder:
            document.add_paragraph(t.reminder)
        for text in t.body_paragraphs:
            document.add_paragraph(text)
        document.add_paragraph().add_run(t.labels["demands"]).bold = True
        # Numbered by hand: a second "List Number" list would go on from the first one's 3.
        for number, demand in enumerate(t.demands, start=1):
            document.add_paragraph(f"{number}. {demand}")
        document.add_paragraph(t.closing)
        document.add_paragraph().add_run(letter.sender.name).bold = True


def _support(document: Any, letter: ComposedLetter, styles: dict[str, str]) -> None:
    if letter.cosigners:
        _styled(document, letter.labels["cosigners"], styles["Heading 2"])
        for c in letter.cosigners:
            extra = ", ".join(filter(None, [c.representative, c.role]))
            text = c.organisation + (f" — {extra}" if extra else "")
            _styled(document, text, styles["List Bullet"])
    if letter.signatures_text:  # "" when the appeal's support is none
        document.add_paragraph().add_run(letter.signatures_text).bold = True
        for t in letter.translations:
            document.add_paragraph().add_run(t.signatures_text).bold = True
    if letter.petition_url:
        document.add_paragraph(f"{letter.labels['petition']}: {letter.petition_url}")
        document.add_picture(_qr_png(letter.petition_url), width=Mm(25))


class DocxRenderer:
    """Renders the letter into a .docx for staff who edit by hand."""

    def render(self, letter: ComposedLetter) -> RenderedDocument:
        blank = _blank()
        document = copy.deepcopy(blank.document)
        _own_setup(document, letter)
        _letter(document, letter, blank.styles)
        _support(document, letter, blank.styles)
        return RenderedDocument(zipped(members(document)), MEDIA_TYPE, "docx")

    def render_simply(self, letter: ComposedLetter) -> RenderedDocument:
        """The same bytes the slow, obvious way (a fresh ``Document()``, python-docx's save,
        then fixed timestamps): what tests compare ``render`` with."""
        document = Document()
        _shared_setup(document)
        _own_setup(document, letter)
        styles = _styles(document)
        _letter(document, letter, styles)
        _support(document, letter, styles)
        buffer = io.BytesIO()
        document.save(buffer)
        return RenderedDocument(fixed_timestamps(buffer.getvalue()), MEDIA_TYPE, "docx")
