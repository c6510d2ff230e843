"""Official names in other scripts: the registry holds the Greek, Hebrew, Georgian, Japanese and
Korean names of ministries; their letters must render with bundled fonts only, never fail; and
the address block itself (a line the registry repeats is written once)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from letters.docx import DocxRenderer
from tests.letters.builders import RENDERERS, addressee, embedded_fonts, letter
from tests.letters.builders import pdf_text as text_of

# official name → the bundled fallback family its script is drawn with (templates/letter/fonts)
DRAWN = {
    "Υπουργείο Εξωτερικών της Κυπριακής Δημοκρατίας": "Letter-Sans-Greek",
    "משרד החוץ": "Letter-Sans-Hebrew",
    "საქართველოს საგარეო საქმეთა სამინისტრო": "Letter-Sans-Georgian",
}


@pytest.mark.parametrize("official", sorted(DRAWN))
def test_official_name_is_drawn_with_bundled_fonts(official: str, tmp_path: Path) -> None:
    """A Greek, Hebrew or Georgian official name is in the address window, from bundled fonts
    (the renderer refuses host fonts and .notdef boxes, so rendering at all proves most of it)."""
    pdf = RENDERERS["pdf"].render(letter(to=addressee(official_name=official))).content
    assert set(official.split()) <= set(text_of(pdf).split())
    fonts = embedded_fonts(pdf, tmp_path)
    assert DRAWN[official] in {name for name, _ in fonts}
    assert all(
        name.startswith(("PT-", "Letter-")) and embedded == "yes" for name, embedded in fonts
    )


@pytest.mark.parametrize("official", ["外務省", "외교부"])
def test_undrawable_official_name_gives_way_to_the_name(official: str) -> None:
    """A name in a script no bundled font has (CJK) is replaced by the registry's own name."""
    to = addressee(official_name=official, name="Ministry of Foreign Affairs of Japan")
    pdf_text = text_of(RENDERERS["pdf"].render(letter(to=to)).content)
    assert "Ministry of Foreign Affairs of Japan" in pdf_text
    assert official not in pdf_text


def test_docx_keeps_the_official_name() -> None:
    """The DOCX (edited in a word processor with its own fonts) keeps the official name."""
    to = addressee(official_name="外務省")
    document = DocxRenderer().render(letter(to=to)).content
    assert "外務省".encode() in _document_xml(document)


def test_a_body_in_an_undrawable_script_still_fails() -> None:
    """Only address lines are substituted: other text the fonts lack still stops the render."""
    to = addressee(official_name="外務省", name="外務省")
    with pytest.raises(Exception, match="address line 1: no bundled font can draw '務' U\\+52D9"):
        RENDERERS["pdf"].render(letter(to=to))


def _document_xml(docx: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")


def test_a_title_equal_to_the_name_is_addressed_once() -> None:
    """An office whose title is the institution's name (the EU High Representative) gets the
    line once in the address window, not twice."""
    office = "High Representative of the Union for Foreign Affairs and Security Policy"
    to = addressee(name=office, official_name="", title=office, postal_address="Brussels")
    composed = letter(to=to)
    assert composed.addressee_lines == (office, "Brussels")
    assert text_of(RENDERERS["pdf"].render(composed).content).count("High Representative") == 1
