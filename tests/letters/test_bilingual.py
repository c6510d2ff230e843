"""Bilingual layout: the letter's language first, then the other one, each text complete."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from pydantic import ValidationError

from campaigns.appeal import Appeal, Layout
from letters.docx import DocxRenderer
from letters.produce import render_letter
from tests.letters.builders import APPEAL, RENDERERS, letter, pdf_text

BILINGUAL = APPEAL.model_copy(update={"layout": Layout(style="bilingual", languages=["en", "ru"])})
EN, RU = APPEAL.texts["en"], APPEAL.texts["ru"]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def english_first() -> str:
    return _flat(pdf_text(RENDERERS["pdf"].render(letter("en", appeal=BILINGUAL)).content))


def test_both_headings_in_the_letters_order(english_first: str) -> None:
    """An English letter shows the English text, then the Russian one."""
    assert english_first.index(EN.heading) < english_first.index(RU.heading)


@pytest.mark.parametrize("demand", [*EN.demands, *RU.demands])
def test_every_demand_in_both_languages(english_first: str, demand: str) -> None:
    """Each numbered demand appears in English and in Russian."""
    assert _flat(demand) in english_first


def test_signature_count_in_both_languages(english_first: str) -> None:
    """The 'supported by N signatures' sentence is given in each language."""
    assert "supported by 15,240 signatures" in english_first
    assert "под обращением: 15 240" in english_first  # (the no-break space, flattened)


def test_russian_letter_puts_russian_first() -> None:
    """For a Russian-reading addressee the Russian text comes first."""
    text = _flat(pdf_text(RENDERERS["pdf"].render(letter("ru", appeal=BILINGUAL)).content))
    assert text.index(RU.heading) < text.index(EN.heading)


def test_single_layout_has_one_language() -> None:
    """Without the option a letter carries its own language only."""
    assert letter("en").translations == ()
    text = _flat(pdf_text(RENDERERS["pdf"].render(letter("en")).content))
    assert RU.heading not in text


def test_email_text_carries_both_languages() -> None:
    """The plain-text email body gives both texts as well."""
    raw = render_letter(RENDERERS, letter("en", appeal=BILINGUAL))["email"].content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    plain = _flat(body.get_content())
    assert _flat(EN.demands[0]) in plain
    assert _flat(RU.demands[0]) in plain


def test_docx_numbers_the_second_language_from_one() -> None:
    """In the DOCX the Russian demands are numbered 1–3 again, not 4–6."""
    content = DocxRenderer().render(letter("en", appeal=BILINGUAL)).content
    paragraphs = [p.text for p in Document(BytesIO(content)).paragraphs]
    assert f"1. {RU.demands[0]}" in paragraphs


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ({"style": "bilingual", "languages": ["en"]}, "two languages"),
        ({"style": "bilingual", "languages": ["en", "en"]}, "two languages"),
        ({"style": "single", "languages": ["en", "ru"]}, "for style: bilingual"),
        ({"style": "bilingual", "languages": ["en", "pl"]}, "'pl' has no text"),
        ({"style": "side-by-side"}, "single"),
    ],
)
def test_invalid_layouts_are_refused(layout: dict[str, Any], message: str) -> None:
    """A bilingual layout names exactly two languages, each with a text of the appeal."""
    with pytest.raises(ValidationError, match=message):
        Appeal.model_validate({**APPEAL.model_dump(), "layout": layout})
