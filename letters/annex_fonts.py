"""The signatory annex's fonts: the template set's PT Sans first, then the bundled Noto subsets
for the scripts PT lacks (Greek, Hebrew, Georgian, Arabic), and "?" for what none of them has.

Rule: text PT Sans can draw entirely takes the plain path — one font, one dict look-up per
character to measure, one text operator to draw — exactly as before there were fallbacks; the
fallback fonts are not even read until some text needs them. Only text with a character PT
lacks is split into runs:

* a run is a whole word (text between spaces) in the first font that has every character of
  it, so a Greek word is never drawn half in PT Sans (which has a few Greek letters, such as
  π); a word no one font covers is split by character, PT Sans first;
* spaces are always PT Sans, so the width of "name  place" is the sum of its parts' widths;
* measuring and cutting with "…" work in logical order; only ``runs`` (for drawing) reorders
  right-to-left text (Hebrew) for display, with python-bidi's pure-Python Unicode
  Bidirectional Algorithm, which mirrors brackets ("כהן (2)" shows as "(2) ןהכ"); its Rust
  ``get_display`` does not mirror them. Limitation: the Python algorithm predates the
  bracket-pair rule (UBA N0), so a bracket between Hebrew and a number in a line that starts
  in Latin script ("Yael כהן (2)") may face the wrong way;
* Arabic letters join: ReportLab does not shape, so ``clean`` turns Arabic text into its
  presentation forms (arabic-reshaper: initial, medial, final, isolated and the lam-alef
  ligatures), which the bundled Noto Sans Arabic subset has; Hebrew without points needs none.

Why: ReportLab draws the glyphs of one font in the order given; it never falls back to another
font by itself (it draws invisible .notdef boxes), and it does not reorder right-to-left text
outside its Paragraph class (and there only with its own optional ``rlbidi``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from arabic_reshaper import ArabicReshaper  # type: ignore[import-untyped]  # no type hints
from bidi.algorithm import get_display  # type: ignore[import-untyped]  # ships no type hints
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from errors import TemplateError

# The template set's fonts the annex is set in (the letter's sans face), and the fallbacks for
# each face, in the order they are tried (the letter's "Letter Sans …" families).
FONT_FILES = {"regular": "fonts/PTS55F.ttf", "bold": "fonts/PTS75F.ttf"}
FALLBACK_FILES = {
    "regular": (
        "fonts/NotoSans-Greek-Regular.ttf",
        "fonts/NotoSansHebrew-Regular.ttf",
        "fonts/NotoSansGeorgian-Regular.ttf",
        "fonts/NotoSansArabic-Regular.ttf",
    ),
    "bold": (
        "fonts/NotoSans-Greek-Bold.ttf",
        "fonts/NotoSansHebrew-Bold.ttf",
        "fonts/NotoSansGeorgian-Bold.ttf",
        "fonts/NotoSansArabic-Bold.ttf",
    ),
}
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"( +)")  # split keeping the spaces, which are always PT Sans
_RIGHT_TO_LEFT = frozenset({"R", "AL"})
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
# Presentation forms only, no tatweel or harakat deletion: the name is drawn as written.
_RESHAPER = ArabicReshaper(configuration={"delete_harakat": False, "support_ligatures": True})

# A run as drawn: (registered font name, text in display order, width in points).
Run = tuple[str, str, float]


class BundledFont:
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

    def units(self, text: str) -> int:
        """Width of ``text`` (characters of this font only) in thousandths of the font size."""
        units: int = sum(map(self.widths.__getitem__, text))
        return units


class FontFamily:
    """One face (regular or bold) of the annex: PT Sans, then its fallbacks, read on first need."""

    def __init__(self, folder: Path, face: str) -> None:
        self.primary = BundledFont(folder / FONT_FILES[face])
        self.name = self.primary.name
        self._widths = self.primary.widths
        self._paths = [folder / path for path in FALLBACK_FILES[face]]
        self._fonts: list[BundledFont] = []
        self._drawable: frozenset[str] = frozenset()

    def clean(self, text: str) -> tuple[str, bool, bool]:
        """NFC text on one line; characters no bundled font has become '?'.

        The second value says whether any did (the name is altered), the third whether the text
        needs a font other than PT Sans (it must be measured and drawn run by run).
        """
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
        if self.primary.known.issuperset(text):
            return text, False, False
        if _ARABIC.search(text):
            text = _RESHAPER.reshape(text)
        drawable = self._fallbacks_drawable()
        altered = not drawable.issuperset(text)
        if altered:
            text = "".join(c if c in drawable else "?" for c in text)
        return text, altered, not self.primary.known.issuperset(text)

    def width(self, text: str, size: float) -> float:
        """Width in points of ``text``, which ``clean`` has made of drawable characters only."""
        try:
            units: int = sum(map(self._widths.__getitem__, text))
        except KeyError:  # a character PT Sans lacks: measure word by word, in each one's font
            units = sum(font.units(part) for font, part in self._parts(text))
        return units * size / 1000

    def fit(self, text: str, size: float, room: float) -> str:
        """``text`` cut with an ellipsis so that it fits ``room`` (cut in logical order)."""
        while text and self.width(text + "…", size) > room:
            text = text[:-1]
        return text + "…"

    def runs(self, text: str, size: float) -> list[Run]:
        """``text`` as drawn left to right: right-to-left parts reordered, split by font."""
        if any(unicodedata.bidirectional(c) in _RIGHT_TO_LEFT for c in text):
            text = get_display(text)
        merged: list[tuple[BundledFont, str]] = []
        for font, part in self._parts(text):
            if merged and merged[-1][0] is font:
                merged[-1] = (font, merged[-1][1] + part)
            else:
                merged.append((font, part))
        return [(font.name, part, font.units(part) * size / 1000) for font, part in merged]

    def _fallbacks_drawable(self) -> frozenset[str]:
        """Every character some font of the family has; reads the fallback fonts the first time."""
        if not self._fonts:
            self._fonts = [self.primary, *map(BundledFont, self._paths)]
            self._drawable = frozenset().union(*(font.known for font in self._fonts))
        return self._drawable

    def _parts(self, text: str) -> Iterator[tuple[BundledFont, str]]:
        """(font, text) for each word and space of ``text``: see the module's rule."""
        self._fallbacks_drawable()
        for word in filter(None, _WORDS.split(text)):
            whole = next((font for font in self._fonts if font.known.issuperset(word)), None)
            if whole is not None:
                yield whole, word
                continue
            for char in word:  # no font has the whole word: each character in the first that can
                yield next(font for font in self._fonts if char in font.known), char
