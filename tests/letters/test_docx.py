"""The DOCX written straight from python-docx's parts is the simple path's bytes (save, then
rewrite with fixed timestamps), whether or not its unchanging parts were deflated before."""

from __future__ import annotations

import pytest

from campaigns.appeal import Layout
from letters.docx import DocxRenderer
from tests.letters.builders import APPEAL, addressee, letter

BILINGUAL = APPEAL.model_copy(update={"layout": Layout(style="bilingual", languages=["en", "ru"])})
LETTERS = {
    "en": letter("en"),
    "ru": letter("ru"),
    "other addressee": letter(
        "en",
        to=addressee(
            key="mfa-poland",
            name="Ministry of Foreign Affairs of Poland",
            official_name="Ministerstwo Spraw Zagranicznych",
            postal_address="al. J. Ch. Szucha 23\n00-580 Warszawa\nPoland",
        ),
    ),
    "bilingual": letter("en", appeal=BILINGUAL),
}


@pytest.mark.parametrize("name", list(LETTERS))
def test_fast_docx_is_the_simple_paths_bytes(name: str) -> None:
    """Rendered twice (the second time from remembered deflate streams) and the simple way:
    the same bytes each time."""
    renderer = DocxRenderer()
    first = renderer.render(LETTERS[name]).content
    assert renderer.render(LETTERS[name]).content == first
    assert first == renderer.render_simply(LETTERS[name]).content


def test_letters_differ_where_their_addressees_do() -> None:
    """Remembered parts never carry one letter's text into another's document."""
    renderer = DocxRenderer()
    one = renderer.render(LETTERS["en"]).content
    other = renderer.render(LETTERS["other addressee"]).content
    assert one != other
    assert other == renderer.render_simply(LETTERS["other addressee"]).content


def test_letters_from_the_shared_blank_document_stay_apart() -> None:
    """Each letter starts from a copy of the process's blank document: one after the other, in
    either order, every letter is still the simple path's bytes (nothing left from the one
    before: paragraphs, footer, picture, properties)."""
    renderer = DocxRenderer()
    for name in [*LETTERS, *reversed(LETTERS)]:
        assert (
            renderer.render(LETTERS[name]).content == renderer.render_simply(LETTERS[name]).content
        )
