"""The parse boundary: header decoding, charset fallbacks recorded, limits as quarantine."""

from __future__ import annotations

from responses.decoding import decode_bytes, header_text
from responses.parse import read


def test_adjacent_encoded_words_join_without_a_space() -> None:
    """Two encoded words split mid-word (a folded header) decode to the word, not two."""
    value = "=?utf-8?b?0KbRltGF0LDQvdC+0Z7RgdC6?=\r\n =?utf-8?b?0LDRjw==?= <s@example.org>"
    assert header_text(value) == "Ціханоўская <s@example.org>"


def test_encoded_word_in_an_unknown_charset_still_reads() -> None:
    """An encoded word naming a charset nobody knows falls back instead of raising."""
    assert header_text("=?x-unknown?q?caf=C3=A9?=") == "café"


def test_declared_charset_that_does_not_fit_falls_back_and_says_so() -> None:
    """Bytes that are not the declared charset are read as UTF-8, with the decision noted."""
    assert decode_bytes("Дзякуй".encode(), "us-ascii") == (
        "Дзякуй",
        "bytes are not 'us-ascii': read as UTF-8",
    )


def test_message_over_the_limit_is_quarantined_with_its_headers() -> None:
    """A message over max_bytes is not parsed, but its sender is still shown."""
    mail = read(b"From: Desk <d@example.org>\r\n\r\n" + b"x" * 2000, max_bytes=1024)
    assert (mail.quarantine.split(" (")[0], mail.header("From")) == (
        "larger than the limit of 1,024 bytes",
        "Desk <d@example.org>",
    )
