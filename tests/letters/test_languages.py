"""Never-mixed letters: every fixed phrase, the date and the numbers in the letter's language."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest

from letters import wording
from letters.produce import render_letter
from tests.letters.builders import RENDERERS, addressee, letter
from tests.letters.texts import TEXTS, appeal_in

APPEAL = appeal_in(*TEXTS)
# The English fixed phrases, cut at their placeholders: any run of two words or more that
# shows up in a letter in another language is English wording leaking in.
_ENGLISH = sorted(
    {
        part.strip(" ,.:;“”")
        for text in wording.MESSAGES.values()
        for part in re.split(r"\{[a-z]+\}", text)
        if len(part.strip(" ,.:;“”").split()) >= 2
    }
)


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(run.stdout.split())


def _email_text(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = [message["Subject"]]
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            parts.append(part.get_content())
    return " ".join(" ".join(parts).split())


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_no_english_fixed_phrase_in_the_pdf_or_email(language: str, tmp_path: Path) -> None:
    """The PDF (as pdftotext reads it) and the email of a letter in ``language`` contain no
    English fixed phrase."""
    to = addressee(office="minister", country="FR")
    composed = letter(language, appeal=APPEAL, to=to)
    documents = render_letter(RENDERERS, composed)
    pdf = _pdftotext(documents["pdf"].content, tmp_path)
    mail = _email_text(documents["email"].content)
    assert TEXTS[language][1] in pdf  # the heading: it is the letter in that language
    assert " ".join(composed.date_text.split()) in pdf
    assert TEXTS[language][0] in mail  # the subject
    for text in (pdf, mail):
        leaked = [phrase for phrase in _ENGLISH if phrase.casefold() in text.casefold()]
        assert leaked == [], leaked


def test_every_catalog_language_is_shipped() -> None:
    """The 24 official EU languages and the others the letters are written in have catalogs."""
    eu = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv"
    others = "be be-Latn ru uk nb is ka he ja ko tr bs sq"
    assert set(f"{eu} {others}".split()) <= wording.languages_with_catalogs()


@pytest.mark.parametrize("language", sorted(wording.languages_with_catalogs() - {"en"}))
def test_catalog_translates_every_message(language: str) -> None:
    """A shipped catalog has a translation of every message, with the same placeholders."""
    words = wording.labels(language)
    for key, english in wording.MESSAGES.items():
        assert words[key] != english or key in {"page"}, (language, key)
        assert set(re.findall(r"\{[a-z]+\}", words[key])) == set(
            re.findall(r"\{[a-z]+\}", english)
        ), (language, key)


def test_compiled_catalogs_match_their_po_files() -> None:
    """Each committed .mo holds exactly its .po's translations (run pybabel compile)."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    for po in wording.CATALOGS.glob("*/LC_MESSAGES/letters.po"):
        with po.open("rb") as source, po.with_suffix(".mo").open("rb") as compiled:
            text, binary = read_po(source), read_mo(compiled)
        expected = {(m.context, m.id): m.string for m in text if m.id}
        assert {(m.context, m.id): m.string for m in binary if m.id} == expected, po


def test_a_belarusian_date_ending_with_a_dot_is_not_doubled() -> None:
    """'… 2021 г.' ends the count sentence with one full stop, not two."""
    sentence = letter("be", appeal=APPEAL).signatures_text
    assert sentence.endswith("г.).") or sentence.endswith("г.")
    assert ".." not in sentence


def test_lacinka_letter_writes_its_date_in_lacinka() -> None:
    """A be-Latn letter's date is Belarusian in the Latin alphabet, with no Cyrillic."""
    made = letter("be-Latn", appeal=APPEAL, to=addressee(country="BY"))
    assert made.date_text == "20 vieraśnia 2021 h." or made.date_text.startswith("20 vieras")
    assert not re.search("[\u0400-\u04ff]", made.date_text + made.signatures_text)
