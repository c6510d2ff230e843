"""The PDF's text: what a reader (or a screen reader, or a search) finds in the letter."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from campaigns.appeal import Appeal
from letters.pdf import PdfRenderer
from tests.letters.builders import APPEAL, TEMPLATES, letter, page_texts, pdf_text

RENDERER = PdfRenderer(TEMPLATES)

# Our own short texts; each uses the letters of its language that the fonts must have.
SAMPLES = {
    "pl": ("Wzywamy rząd do cofnięcia uznania", "Łączymy się z Białorusinami, żądamy wyborów"),
    "lt": ("Prašome atšaukti režimo pripažinimą", "Kreipiamės dėl laisvų rinkimų"),
    "lv": ("Aicinām atsaukt režīma atzīšanu", "Lūdzam rīkoties kopā, ņemot vērā represijas"),
    "be": ("Просім адмовіць рэжыму ў прызнанні", "Беларусы ўжо выказалі сваю волю і чакаюць"),
}


def _appeal_in(language: str) -> Appeal:
    heading, demand = SAMPLES[language]
    english = APPEAL.texts["en"].model_dump()
    text = {**english, "heading": heading, "body": f"{demand}.", "demands": [demand]}
    return Appeal.model_validate(
        {**APPEAL.model_dump(), "texts": {**APPEAL.model_dump()["texts"], language: text}}
    )


@pytest.fixture(scope="module")
def english() -> str:
    return pdf_text(RENDERER.render(letter("en")).content)


@pytest.fixture(scope="module")
def russian() -> bytes:
    return RENDERER.render(letter("ru")).content


def test_heading_is_in_the_text(english: str) -> None:
    """The appeal's heading is extractable text, not an image."""
    assert APPEAL.texts["en"].heading in english


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_demand_is_in_the_text(english: str, index: int) -> None:
    """Every demand of the appeal appears, whole, in the letter."""
    demand = " ".join(APPEAL.texts["en"].demands[index].split())
    assert demand in english


def test_salutation_follows_the_addressee_category(english: str) -> None:
    """A foreign ministry without a registry salutation is addressed as 'Dear Minister,'."""
    assert "Dear Minister," in english


def test_english_signature_sentence_uses_a_comma_separator(english: str) -> None:
    """The count and its date are localised: 15,240 as of 19 September 2021 (en_GB)."""
    assert "supported by 15,240 signatures as of 19 September 2021." in english


def test_english_letter_is_dated(english: str) -> None:
    """The letter carries the batch's date, written out in British English."""
    assert "20 September 2021" in english


def test_russian_signature_sentence_uses_a_no_break_space(russian: bytes) -> None:
    """Russian groups digits with a no-break space, so '15 240' never splits across lines."""
    assert "обращением: 15\u00a0240 (по состоянию на 19 сентября 2021\u00a0г.)." in pdf_text(
        russian
    )


def test_russian_letter_is_dated_in_russian(russian: bytes) -> None:
    """The date line reads '20 сентября 2021 г.'."""
    assert "20 сентября 2021\u00a0г." in pdf_text(russian)


def test_russian_text_survives_poppler_extraction(russian: bytes, tmp_path: Path) -> None:
    """Cyrillic comes back intact through a second, independent extractor (pdftotext)."""
    path = tmp_path / "ru.pdf"
    path.write_bytes(russian)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert APPEAL.texts["ru"].heading in text
    assert "Уважаемый господин Министр!" in text
    assert "Міністерство закордонних справ України" in text


def test_every_page_is_numbered(russian: bytes) -> None:
    """Each page ends with 'n / total'."""
    pages = page_texts(russian)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert text.rstrip().endswith(f"{number} / {len(pages)}")


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_neighbour_languages_render_every_letter(language: str) -> None:
    """Polish, Lithuanian, Latvian and Belarusian letters render without a missing glyph."""
    heading, demand = SAMPLES[language]
    text = pdf_text(RENDERER.render(letter(language, appeal=_appeal_in(language))).content)
    assert heading in text
    assert demand in text


def test_locale_follows_the_addressee_country() -> None:
    """US addressees get US dates; other English letters British ones; known pairs their own."""
    from datetime import date

    from letters.wording import locale_for, long_date

    assert long_date(date(2021, 9, 8), locale_for("en", "US")) == "September 8, 2021"
    assert long_date(date(2021, 9, 8), locale_for("en", "EU")) == "8 September 2021"
    assert locale_for("fr", "BE") == "fr_BE"
    assert locale_for("en", "PL") == "en_GB"
