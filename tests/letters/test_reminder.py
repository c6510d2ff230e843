"""The reminder wording of a follow-up, composed in memory: each language of a bilingual letter
gets its own, and the date is formatted for the addressee's locale."""

from __future__ import annotations

from datetime import date

from campaigns.appeal import Layout
from letters.compose import ComposedLetter, compose
from tests.letters.builders import (
    APPEAL,
    DATED,
    MESSAGE_ID,
    RENDERERS,
    REPLY_TO,
    SIGNATURES_AS_OF,
    addressee,
    pdf_text,
)

BILINGUAL = APPEAL.model_copy(update={"layout": Layout(style="bilingual", languages=["en", "ru"])})
FIRST = date(2021, 9, 10)


def follow_up(
    language: str = "en", *, country: str = "UA", bilingual: bool = False
) -> ComposedLetter:
    return compose(
        appeal=BILINGUAL if bilingual else APPEAL,
        addressee=addressee(country=country),
        letter_id=42,
        language=language,
        dated=DATED,
        signature_count=15_240,
        signatures_as_of=SIGNATURES_AS_OF,
        message_id=MESSAGE_ID,
        reply_to=REPLY_TO,
        first_written=FIRST,
    )


def test_bilingual_letter_reminds_in_both_languages() -> None:
    """The English text opens with the English reminder, the Russian text with the Russian one."""
    text = " ".join(pdf_text(RENDERERS["pdf"].render(follow_up(bilingual=True)).content).split())
    english = text.index("On 10 September 2021 we wrote to you about")
    russian = text.index("10 сентября 2021 г. мы направили вам обращение")
    assert english < text.index(APPEAL.texts["ru"].heading) < russian


def test_us_addressee_gets_a_us_date() -> None:
    """An English reminder to a U.S. addressee writes the date the U.S. way."""
    assert follow_up(country="US").reminder.startswith("On September 10, 2021 we wrote")


def test_subject_prefix_in_the_letters_language() -> None:
    """The subject keeps the appeal's subject after the prefix of the letter's language."""
    assert follow_up("ru").subject == "Напоминание: " + APPEAL.texts["ru"].subject
