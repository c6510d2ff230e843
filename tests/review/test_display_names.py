"""Names in encoded headers are shown whole: no spurious spaces where a header was folded."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from review.view import email_text

NAME = "Святлана Ціханоўская Беларусь"


def test_review_shows_a_folded_encoded_name_without_spurious_spaces() -> None:
    """A long Cyrillic From name, split over several encoded words, reads as written."""
    message = EmailMessage(policy=SMTP)
    message["From"] = f"{NAME} <office@example.org>"
    message["To"] = "Ministry of Foreign Affairs <mfa@example.org>"
    message["Subject"] = "Зварот аб непрызнанні"
    message.set_content("text")
    raw = message.as_bytes()
    assert b"?=\r\n =?utf-8?" in raw  # the name really is folded into several encoded words
    assert email_text(raw).splitlines()[0] == f"From: {NAME} <office@example.org>"
