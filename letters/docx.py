"""The letter as an editable Word document (python-docx), with the same content as the PDF.

Rule: same letter → same bytes. python-docx stamps the zip members with the current time, so
the package is written with a fixed timestamp, and the core properties carry the letter date.

Speed: python-docx's own ``save`` deflates the whole package (800 kB of styles in every
letter), which was then read back and deflated again with the fixed timestamps. Here the parts
are written once, in the order python-docx writes them, straight into the fixed-timestamp zip;
and a part whose bytes a letter before had (every part but the document and its properties)
reuses that deflated stream (``_Deflated``). The bytes are those of the simple path, save and
rewrite (tests/letters/test_docx.py compares them).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import OrderedDict
from functools import cache
from typing import Any

import qrcode
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from letters.compose import ComposedLetter
from letters.documents import RenderedDocument

_EPOCH = (1980, 1, 1, 0, 0, 0)
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


def _fixed_timestamps(content: bytes) -> bytes:
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


def _members(document: Any) -> list[tuple[str, bytes]]:
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


def _zipped(members: list[tuple[str, bytes]]) -> bytes:
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


def _page_setup(document: Any, letter: ComposedLetter) -> None:
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "PT Serif", Pt(11)
    props = document.core_properties
    props.title, props.author = letter.subject, letter.sender.name
    props.language, props.last_modified_by, props.revision = letter.language, "", 1
    props.created = props.modified = letter.date.replace(tzinfo=None)
    footer = section.footer.paragraphs[0]
    footer.text = f"{letter.sender.organisation} · {letter.labels['page']} "
    _page_number_field(footer)


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

    def _build(self, letter: ComposedLetter) -> Any:
        document = Document()
        _page_setup(document, letter)
        styles = _styles(document)
        _letter(document, letter, styles)
        _support(document, letter, styles)
        return document

    def render(self, letter: ComposedLetter) -> RenderedDocument:
        document = self._build(letter)
        return RenderedDocument(_zipped(_members(document)), MEDIA_TYPE, "docx")

    def render_simply(self, letter: ComposedLetter) -> RenderedDocument:
        """The same bytes the slow, obvious way (python-docx's save, then fixed timestamps):
        what tests compare ``render`` with."""
        buffer = io.BytesIO()
        self._build(letter).save(buffer)
        return RenderedDocument(_fixed_timestamps(buffer.getvalue()), MEDIA_TYPE, "docx")
