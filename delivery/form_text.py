"""The text staff paste into a web form, read back from an approved letter PDF as paragraphs.

Rule: the words come from the approved bytes only (what a reviewer approved is what is pasted);
only the layout is undone, from where pypdf reports each line's baseline, left edge and font:

- the signatory annex is left out: its pages follow the cover (``letters.attach``), and the
  batch's annex records how many there are (``batch_annexes.pages``);
- a page-number footer ("2 / 3") is dropped;
- a paragraph's lines are joined: same font and size, same left edge (or the hanging indent of
  a numbered item), one line pitch apart (a paragraph margin, a list item's or another
  block's spacing is more); a page's first line goes on with the paragraph that ended the
  page before when it looks the same and that paragraph had not ended a sentence;
- a word split by a hyphen at a line end is joined again when WeasyPrint hyphenated it
  (``hyphens: auto``). The PDF cannot tell: the added hyphen is the same glyph as the one in
  "co-signers". So the letter's own words decide (``words``: its review text, written from
  the composed letter with the same revision): "co-signers" there keeps its hyphen,
  "billion" there loses it; a word in neither form is joined only where the language's
  hyphenation dictionary allows a break, as WeasyPrint's did.

Why not re-render or use the review text: the PDF is what was approved and what went out by
post to others; a form must carry the same words. Why not pdftotext: poppler is optional
(page previews only), and it drops every line-end hyphen, real or not.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyphen  # WeasyPrint's hyphenation dictionaries
from pypdf import PageObject, PdfReader

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SPLIT = re.compile(r"([^\W\d_]+)-$")
_NEXT = re.compile(r"^([^\W\d_]+)")
_MARKER = re.compile(r"^(?:\d+[.)]|[•◦▪–-])\s")
_ENDS = (".", "!", "?", ":", ";", "…", "»", "”", '"')
_FOOTER_PUNCTUATION = re.compile(r"[\s/|–—-]*")


@dataclass
class Line:
    """One baseline of text: where it starts, its size, what it says, and how many of its
    characters each font sets (the main one tells blocks apart: a list marker or one bold
    word does not make a line look like another block)."""

    y: float
    x: float
    size: float
    text: str
    fonts: Counter[str] = field(default_factory=Counter)

    @property
    def font(self) -> str:
        return self.fonts.most_common(1)[0][0]


def words_of(texts: list[str]) -> frozenset[str]:
    """The words of ``texts``, lower-cased: each hyphenated compound whole and its parts."""
    found = {w.lower() for text in texts for w in _WORD.findall(text)}
    return frozenset(found | {part for w in found for part in w.split("-")})


def form_text(
    pdf: bytes,
    *,
    annex_pages: int,
    words: frozenset[str],
    language: str,
    subject: str = "",
    starts_at: str = "",
) -> str:
    """The cover letter of ``pdf`` as paragraphs separated by blank lines. With ``starts_at``
    (the salutation) everything before it — letterhead, address window, date, heading — is
    left out, as a web form has its own fields for those; ``subject`` ("Subject: …", in the
    letter's language) is put first."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    cover = len(pages) - annex_pages if 0 < annex_pages < len(pages) else len(pages)
    groups: list[list[Line]] = []
    for number in range(cover):
        lines = _lines(pages[number])
        kept = [line for line in lines if not _is_page_number(line.text, number + 1, cover)]
        for index, group in enumerate(_paragraphs(kept)):
            if index == 0 and groups and _carries_over(groups[-1], group[0]):
                groups[-1] += group
            else:
                groups.append(group)
    hyphens = _Hyphens(words, language)
    texts = [text for text in map(hyphens.join, groups) if text]
    start = " ".join(starts_at.split())
    first = next((i for i, text in enumerate(texts) if start and text.startswith(start)), 0)
    return "\n\n".join(([subject] if subject else []) + texts[first:])


def _lines(page: PageObject) -> list[Line]:
    """The page's text lines, top to bottom; runs on one baseline are one line, left to right."""
    runs: list[tuple[float, float, float, str, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            x, y, scale = _place(tm, cm)
            name = str((font or {}).get("/BaseFont", ""))
            runs.append((round(y, 1), x, abs(size * scale), name, text.rstrip("\n")))

    page.extract_text(visitor_text=visit)
    lines: list[Line] = []
    for y, x, size, font, text in sorted(runs, key=lambda r: (-r[0], r[1])):
        if not lines or abs(lines[-1].y - y) >= 1:
            lines.append(Line(y, x, size, ""))
        lines[-1].text += text
        lines[-1].fonts[font] += len(text.strip())
    for line in lines:
        line.text = " ".join(line.text.split())
    return lines


def _place(tm: Any, cm: Any) -> tuple[float, float, float]:
    """Where the text matrix puts a run on the page (x, y) and its vertical scale."""
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    return x, y, tm[2] * cm[1] + tm[3] * cm[3]


def _is_page_number(text: str, number: int, pages: int) -> bool:
    """A footer naming this page ("2", "2 / 3", "2 – 3"), nothing else."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    bare = _FOOTER_PUNCTUATION.fullmatch(re.sub(r"\d+", "", text)) is not None
    return bare and numbers in ([number], [number, pages])


def _paragraphs(lines: list[Line]) -> Iterator[list[Line]]:
    group: list[Line] = []
    for line in lines:
        if group and not _continues(group, line):
            yield group
            group = []
        group.append(line)
    if group:
        yield group


def _carries_over(group: list[Line], first: Line) -> bool:
    """Whether a page's ``first`` line goes on with the paragraph ``group`` that ended the page
    before: the same look and left edge, and that page's last line did not end a sentence (a
    paragraph that happens to end at a page foot with no full stop is taken as continued)."""
    last = group[-1]
    return _same_look(last, first) and abs(last.x - first.x) < 1 and not last.text.endswith(_ENDS)


def _same_look(one: Line, other: Line) -> bool:
    return one.font == other.font and abs(one.size - other.size) < 0.2


def _continues(group: list[Line], line: Line) -> bool:
    """Whether ``line`` is the next line of the paragraph ``group`` is reading."""
    last = group[-1]
    pitch = last.y - line.y
    edge = abs(last.x - line.x) < 1 or (
        _MARKER.match(group[0].text) is not None and line.x > group[0].x
    )
    return _same_look(last, line) and edge and 0 < pitch <= 1.5 * line.size


class _Hyphens:
    """Joins a paragraph's lines, deciding for each line-end hyphen whether it was added."""

    def __init__(self, words: frozenset[str], language: str) -> None:
        self.words = words
        known = pyphen.language_fallback(language.replace("-", "_"))
        self.dictionary = pyphen.Pyphen(lang=known) if known else None

    def join(self, lines: list[Line]) -> str:
        text = lines[0].text
        for line in lines[1:]:
            split, following = _SPLIT.search(text), _NEXT.match(line.text)
            if split is None:
                text = f"{text} {line.text}"
            elif following is not None and self.added(split[1], following[1]):
                text = text[:-1] + line.text
            else:  # a real hyphen ("co-" "signers", "pre-" "2020"): kept, no space after it
                text += line.text
        return text

    def added(self, head: str, tail: str) -> bool:
        """Whether the hyphen between ``head`` and ``tail`` was added by hyphenation."""
        whole, compound = f"{head}{tail}".lower(), f"{head}-{tail}".lower()
        if compound in self.words:
            return False
        if whole in self.words:
            return True
        return self.dictionary is not None and len(head) in self.dictionary.positions(whole)
