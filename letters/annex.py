"""The signatory annex: the names of signers who consented to public display, typeset with
ReportLab on a plain canvas (WeasyPrint needs minutes and gigabytes for 150,000 lines).

Rule: an annex is made from plain ``AnnexEntry`` data (name and place; there is no field for an
email address) and is byte-identical for the same input (ReportLab's invariant mode). It uses the
template set's bundled fonts only: PT Sans, and for Greek, Hebrew and Georgian the bundled Noto
subsets (``letters.annex_fonts``: only lines that need them are drawn run by run, Hebrew
reordered right to left). A character none of them has is printed as "?" and counted in
``AnnexDocument.altered``, never drawn as an invisible .notdef box or taken from a host font.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from letters.annex_fonts import FontFamily
from letters.sandbox import template_folder

_PAGE_W, _PAGE_H = A4
_MARGIN = 15 * mm
_COLUMNS, _GAP = 3, 5 * mm
_COLUMN_W = (_PAGE_W - 2 * _MARGIN - (_COLUMNS - 1) * _GAP) / _COLUMNS
_SIZE, _LEADING = 7.5, 9.2
_TOP, _BOTTOM = _PAGE_H - 24 * mm, 16 * mm
_ROWS = int((_TOP - _BOTTOM) // _LEADING) + 1
_INDENT = 3 * mm
_NAME_RGB, _PLACE_RGB = (0.07, 0.07, 0.07), (0.4, 0.4, 0.4)
# Compressed page streams as binary, not ASCII85 on top (a quarter larger and slower to write).
rl_config.useA85 = 0


@dataclass(frozen=True)
class AnnexEntry:
    """One public signer as printed: name, and "City, Country" (either may be empty)."""

    name: str
    place: str
    ref: str = ""  # who this is ("signer 1234"), so a name that cannot be drawn is named


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
    undrawable: tuple[str, ...] = ()  # the ``ref`` of each such entry

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


# A line of a column: (name, place, indented, mixed); an entry takes one line or, when its place
# does not fit beside the name, two (the place indented below). ``mixed``: it needs a font other
# than PT Sans, so it is drawn run by run.
_Line = tuple[str, str, bool, bool]


class AnnexRenderer:
    """Renders the annex of a template set with that set's bundled PT Sans."""

    def __init__(self, templates_dir: Path) -> None:
        self.templates_dir = templates_dir

    def render(
        self, entries: Sequence[AnnexEntry], *, template: str, wording: AnnexWording
    ) -> AnnexDocument:
        folder = template_folder(self.templates_dir, template)
        regular, bold = FontFamily(folder, "regular"), FontFamily(folder, "bold")
        undrawable = []
        blocks: list[list[_Line]] = []
        for entry in entries:
            block, changed = _lines(regular, entry)
            blocks.append(block)
            if changed:
                undrawable.append(entry.ref)
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
        return AnnexDocument(
            buffer.getvalue(), len(entries), len(pages), len(undrawable), tuple(undrawable)
        )


def _lines(font: FontFamily, entry: AnnexEntry) -> tuple[list[_Line], bool]:
    name, bad_name, mixed_name = font.clean(entry.name)
    place, bad_place, mixed_place = font.clean(entry.place)
    if font.width(name, _SIZE) > _COLUMN_W:
        name = font.fit(name, _SIZE, _COLUMN_W)
    if not place:
        return [(name, "", False, mixed_name)], bad_name or bad_place
    if font.width(f"{name}  {place}", _SIZE) <= _COLUMN_W:
        return [(name, place, False, mixed_name or mixed_place)], bad_name or bad_place
    if font.width(place, _SIZE) > _COLUMN_W - _INDENT:
        place = font.fit(place, _SIZE, _COLUMN_W - _INDENT)
    return [(name, "", False, mixed_name), ("", place, True, mixed_place)], bad_name or bad_place


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
    fonts: tuple[FontFamily, FontFamily],
    numbering: tuple[int, int],
) -> None:
    regular, bold = fonts
    number, total = numbering
    room = _PAGE_W - 2 * _MARGIN
    heading, _, mixed = bold.clean(wording.heading)
    if bold.width(heading, 9) > room:
        heading = bold.fit(heading, 9, room)
    canvas.setFillColorRGB(0.48, 0.12, 0.12)
    canvas.setFont(bold.name, 9)
    _draw_string(canvas, bold, 9, (_MARGIN, _PAGE_H - 14 * mm), (heading, mixed))
    canvas.setStrokeColorRGB(0.48, 0.12, 0.12)
    canvas.setLineWidth(0.5)
    canvas.line(_MARGIN, _PAGE_H - 16 * mm, _PAGE_W - _MARGIN, _PAGE_H - 16 * mm)
    canvas.setFillColorRGB(0.33, 0.33, 0.33)
    canvas.setFont(regular.name, 7.5)
    if number == 1:
        intro, _, mixed = regular.clean(wording.intro)
        _draw_string(canvas, regular, 7.5, (_MARGIN, _PAGE_H - 20.5 * mm), (intro, mixed))
    page, _, mixed = regular.clean(wording.page.format(page=number, pages=total))
    if mixed:
        at = (_PAGE_W - _MARGIN - regular.width(page, 7.5), 9 * mm)
        _draw_string(canvas, regular, 7.5, at, (page, mixed))
    else:
        canvas.drawRightString(_PAGE_W - _MARGIN, 9 * mm, page)
    for index, lines in enumerate(columns):
        _draw_column(canvas, regular, lines, _MARGIN + index * (_COLUMN_W + _GAP))
    canvas.showPage()


def _draw_string(
    canvas: Canvas, font: FontFamily, size: float, at: tuple[float, float], text: tuple[str, bool]
) -> None:
    """``text`` (cleaned, and whether mixed) at ``at`` in the canvas's font set to ``font``."""
    (x, y), (string, mixed) = at, text
    if not mixed:
        canvas.drawString(x, y, string)
        return
    for name, run, width in font.runs(string, size):
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += width
    canvas.setFont(font.name, size)


def _draw_column(canvas: Canvas, font: FontFamily, lines: list[_Line], x: float) -> None:
    text = canvas.beginText(x, _TOP)
    text.setFont(font.name, _SIZE, _LEADING)
    for name, place, indented, mixed in lines:
        if indented:
            text.setXPos(_INDENT)
        text.setFillColorRGB(*_NAME_RGB)
        if mixed:
            _draw_mixed_line(text, font, name, place)
        else:
            text.textOut(f"{name}  " if name and place else name)
            text.setFillColorRGB(*_PLACE_RGB)
            text.textLine(place)
        if indented:
            text.setXPos(-_INDENT)
    canvas.drawText(text)


def _draw_mixed_line(text: PDFTextObject, font: FontFamily, name: str, place: str) -> None:
    """A line with text PT Sans lacks: each run in its font; the colours as on a plain line."""
    _draw_runs(text, font, name)
    if name and place:
        text.textOut("  ")
    text.setFillColorRGB(*_PLACE_RGB)
    _draw_runs(text, font, place)
    text.textLine("")


def _draw_runs(text: PDFTextObject, font: FontFamily, string: str) -> None:
    """``string`` run by run, each in its font; the text object is left in PT Sans again."""
    for run_font, run, _ in font.runs(string, _SIZE):
        text.setFont(run_font, _SIZE, _LEADING)
        text.textOut(run)
    text.setFont(font.name, _SIZE, _LEADING)
