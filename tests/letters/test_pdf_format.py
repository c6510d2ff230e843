"""The PDF as a file: bundled fonts only, PDF/A metadata, and the same bytes every time."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from errors import TemplateError
from letters.pdf import PdfRenderer
from tests.letters.builders import (
    TEMPLATES,
    catalog,
    embedded_fonts,
    letter,
    metadata,
    pdf_text,
    with_body,
)

RENDERER = PdfRenderer(TEMPLATES)


@pytest.fixture(scope="module")
def russian() -> bytes:
    return RENDERER.render(letter("ru")).content


def _xmp(pdf: bytes) -> str:
    return str(catalog(pdf)["/Metadata"].get_object().get_data().decode())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_only_bundled_pt_fonts_are_used(language: str, tmp_path: Path) -> None:
    """pdffonts lists PT Serif and PT Sans only: no host font fills in anywhere (e.g. hyphens)."""
    pdf = RENDERER.render(letter(language)).content
    names = {name for name, _ in embedded_fonts(pdf, tmp_path)}
    assert names
    assert all(name.startswith(("PT-Serif", "PT-Sans")) for name in names), names


def test_every_font_is_embedded(russian: bytes, tmp_path: Path) -> None:
    """Each font is embedded, so the letter prints the same on any machine."""
    assert {embedded for _, embedded in embedded_fonts(russian, tmp_path)} == {"yes"}


def test_xmp_declares_pdf_a_3u(russian: bytes) -> None:
    """The XMP metadata identifies the file as PDF/A-3, conformance level U."""
    xmp = _xmp(russian)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="U"' in xmp


def test_pdf_a_output_intent_is_srgb(russian: bytes) -> None:
    """PDF/A needs an output intent; ours is the sRGB profile."""
    intents = catalog(russian)["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"


def test_title_is_the_letter_subject(russian: bytes) -> None:
    """Document info and XMP carry the subject as the title, for archives and screen readers."""
    subject = letter("ru").subject
    assert metadata(russian).title == subject
    assert subject in _xmp(russian)


def test_document_language_is_the_letter_language(russian: bytes) -> None:
    """The catalogue's /Lang is the letter's language."""
    assert catalog(russian)["/Lang"] == "ru"


def test_dates_in_metadata_are_the_letter_date(russian: bytes) -> None:
    """Creation date is the letter's date, not the moment of rendering (so bytes are stable)."""
    assert metadata(russian)["/CreationDate"] == "D:20210920090000Z"


def test_same_letter_renders_to_identical_bytes(russian: bytes) -> None:
    """Rendering again, even with a fresh renderer, gives byte-identical output."""
    assert PdfRenderer(TEMPLATES).render(letter("ru")).content == russian


def test_different_count_changes_the_bytes(russian: bytes) -> None:
    """The determinism is not a cache: a different signature count gives different bytes."""
    assert RENDERER.render(letter("ru", count=15_241)).content != russian


def test_rendered_document_hash_is_of_its_bytes() -> None:
    """The sha256 the review pins is the hash of exactly the bytes returned."""
    document = RENDERER.render(letter("en"))
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    assert document.media_type == "application/pdf"


def test_glyph_only_a_host_font_has_is_refused() -> None:
    """An arrow (in DejaVu on this host, not in PT Serif) fails rather than use a host font."""
    with pytest.raises(TemplateError, match="no bundled font can draw '→' U\\+2192"):
        RENDERER.render(letter(appeal=with_body("Sanctions \u2192 accountability.")))


def test_bold_italic_markdown_uses_the_bundled_face(tmp_path: Path) -> None:
    """***Bold italic*** in the body is set in the bundled PT Serif Bold Italic."""
    pdf = RENDERER.render(letter(appeal=with_body("We ***insist*** on this."))).content
    assert ("PT-Serif-Bold-Italic", "yes") in embedded_fonts(pdf, tmp_path)


def test_inline_code_in_markdown_keeps_the_body_font() -> None:
    """`Code` in the body does not reach for a host monospace font."""
    pdf = RENDERER.render(letter(appeal=with_body("Resolution `2021/2814` applies."))).content
    assert "Resolution 2021/2814 applies." in pdf_text(pdf)
