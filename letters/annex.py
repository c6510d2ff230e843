"""The signatory annex: the names of signers who consented to public display, typeset with
ReportLab on a plain canvas (WeasyPrint needs minutes and gigabytes for 150,000 lines).

Rule: an annex is made from plain ``AnnexEntry`` data (name and place; there is no field for an
email address) and is byte-identical for the same input (ReportLab's invariant mode). It uses the
template set's bundled PT Sans only; a character those fonts lack is printed as "?" and counted
in ``AnnexDocument.altered``, never drawn as an invisible .notdef box or taken from a host font.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from errors import TemplateError
from letters.sandbox import template_folder

# The template set's fonts the annex is set in (the letter's sans face).
FONT_FILES = {"regular": "fonts/PTS55F.ttf", "bold": "fonts/PTS75F.ttf"}
_PAGE_W, _PAGE_H = A4
_MARGIN = 15 * mm
_COLUMNS, _GAP = 3, 5 * mm
_COLUMN_W = (_PAGE_W - 2 * _MARGIN - (_COLUMNS - 1) * _GAP) / _COLUMNS
_SIZE, _LEADING = 7.5, 9.2
_TOP, _BOTTOM = _PAGE_H - 24 * mm, 16 * mm
_ROWS = int((_TOP - _BOTTOM) // _LEADING) + 1
_INDENT = 3 * mm
_SPACES = re.compile(r"\s+")
# Compressed page streams as binary, not ASCII85 on top (a quarter larger and slower to write).
rl_config.useA85 = 0


@dataclass(frozen=True)
class AnnexEntry:
    """One public signer as printed: name, and "City, Country" (either may be empty)."""

    name: str
    place: str


@dataclass(frozen=True)
class AnnexWording:
    """The annex's fixed text, already in its language and with its values filled in."""

    heading: str  # "Signatories — <appeal title>, as of <date>"
    intro: str  # first page, under the heading
    page: str  # "Page {page} of {pages}"
    language: str


@dataclass(frozen=True)
class AnnexDocument:
    content: bytes
    names: int
    pages: int
    altered: int  # names in which a character the fonts lack was replaced by "?"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class _Font:
    """A bundled TTF registered with ReportLab, with what we need to measure and check text."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise TemplateError(f"the signatory annex needs the font {path}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self.name = f"annex-{digest}"
        font = TTFont(self.name, str(path))
        pdfmetrics.registerFont(font)
        widths = font.face.charWidths
        self.known = frozenset(chr(code) for code in font.face.charToGlyph)
        self.widths = {c: widths.get(ord(c), 1000) for c in self.known}

    def clean(self, text: str) -> tuple[str, bool]:
        """NFC text on one line; characters the font lacks become '?' (second value: any did)."""
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
        if self.known.issuperset(text):
            return text, False
        return "".join(c if c in self.known else "?" for c in text), True

    def width(self, text: str, size: float) -> float:
        """Width in points of ``text``, which ``clean`` has made of known characters only."""
        units: int = sum(map(self.widths.__getitem__, text))
        return units * size / 1000

    def fit(self, text: str, size: float, room: float) -> str:
        """``text`` cut with an ellipsis so that it fits ``room``."""
        while text and self.width(text + "…", size) > room:
            text = text[:-1]
        return text + "…"


# A line of a column: (name, place, indented); an entry takes one line or, when its place does
# not fit beside the name, two (the place indented below).
_Line = tuple[str, str, bool]


class AnnexRenderer:
    """Renders the annex of a template set with that set's bundled PT Sans."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir

    def render(
        self, entries: Sequence[AnnexEntry], *, template: str, wording: AnnexWording
    ) -> AnnexDocument:
        folder = template_folder(self.templates_dir, template)
        regular, bold = (_Font(folder / FONT_FILES[face]) for face in ("regular", "bold"))
        altered = 0
        blocks: list[list[_Line]] = []
        for entry in entries:
            block, changed = _lines(regular, entry)
            blocks.append(block)
            altered += changed
        pages = list(_paginate(blocks))
        buffer = io.BytesIO()
        canvas = Canvas(
            buffer,
            pagesize=A4,
            invariant=True,
            pageCompression=True,
            lang=wording.language,
            initialFontName=regular.name,  # not Helvetica: every font must be embedded
            initialFontSize=_SIZE,
        )
        canvas.setTitle(wording.heading)
        canvas.setCreator("advocacy")
        for number, columns in enumerate(pages, start=1):
            _draw_page(canvas, columns, wording, (regular, bold), (number, len(pages)))
        canvas.save()
        return AnnexDocument(buffer.getvalue(), len(entries), len(pages), altered)


def _lines(font: _Font, entry: AnnexEntry) -> tuple[list[_Line], bool]:
    name, bad_name = font.clean(entry.name)
    place, bad_place = font.clean(entry.place)
    if font.width(name, _SIZE) > _COLUMN_W:
        name = font.fit(name, _SIZE, _COLUMN_W)
    if not place:
        return [(name, "", False)], bad_name or bad_place
    if font.width(f"{name}  {place}", _SIZE) <= _COLUMN_W:
        return [(name, place, False)], bad_name or bad_place
    if font.width(place, _SIZE) > _COLUMN_W - _INDENT:
        place = font.fit(place, _SIZE, _COLUMN_W - _INDENT)
    return [(name, "", False), ("", place, True)], bad_name or bad_place


def _paginate(blocks: list[list[_Line]]) -> Iterator[list[list[_Line]]]:
    """Pages of columns of lines; an entry's two lines never part across columns."""
    page: list[list[_Line]] = [[]]
    for block in blocks:
        if len(page[-1]) + len(block) > _ROWS:
            if len(page) == _COLUMNS:
                yield page
                page = []
            page.append([])
        page[-1].extend(block)
    if page[0]:
        yield page


def _draw_page(
    canvas: Canvas,
    columns: list[list[_Line]],
    wording: AnnexWording,
    fonts: tuple[_Font, _Font],
    numbering: tuple[int, int],
) -> None:
    regular, bold = fonts
    number, total = numbering
    room = _PAGE_W - 2 * _MARGIN
    heading = bold.clean(wording.heading)[0]
    if bold.width(heading, 9) > room:
        heading = bold.fit(heading, 9, room)
    canvas.setFillColorRGB(0.48, 0.12, 0.12)
    canvas.setFont(bold.name, 9)
    canvas.drawString(_MARGIN, _PAGE_H - 14 * mm, heading)
    canvas.setStrokeColorRGB(0.48, 0.12, 0.12)
    canvas.setLineWidth(0.5)
    canvas.line(_MARGIN, _PAGE_H - 16 * mm, _PAGE_W - _MARGIN, _PAGE_H - 16 * mm)
    canvas.setFillColorRGB(0.33, 0.33, 0.33)
    canvas.setFont(regular.name, 7.5)
    if number == 1:
        canvas.drawString(_MARGIN, _PAGE_H - 20.5 * mm, regular.clean(wording.intro)[0])
    page = regular.clean(wording.page.format(page=number, pages=total))[0]
    canvas.drawRightString(_PAGE_W - _MARGIN, 9 * mm, page)
    for index, lines in enumerate(columns):
        _draw_column(canvas, regular, lines, _MARGIN + index * (_COLUMN_W + _GAP))
    canvas.showPage()


def _draw_column(canvas: Canvas, font: _Font, lines: list[_Line], x: float) -> None:
    text = canvas.beginText(x, _TOP)
    text.setFont(font.name, _SIZE, _LEADING)
    for name, place, indented in lines:
        if indented:
            text.setXPos(_INDENT)
        text.setFillColorRGB(0.07, 0.07, 0.07)
        text.textOut(f"{name}  " if name and place else name)
        text.setFillColorRGB(0.4, 0.4, 0.4)
        text.textLine(place)
        if indented:
            text.setXPos(-_INDENT)
    canvas.drawText(text)
