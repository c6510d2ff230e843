"""The email's address headers: an IDN domain as its A-label, a non-ASCII local part as UTF-8
(an SMTPUTF8 message), never an RFC 2047 word inside an address."""

from __future__ import annotations

from dataclasses import replace

from letters.email import EmailRenderer
from settings import ROOT
from tests.letters.builders import letter

RENDERER = EmailRenderer(ROOT / "templates")


def to_header(recipient: str) -> bytes:
    content = RENDERER.render(replace(letter("en"), recipient_email=recipient)).content
    [line] = [h for h in content.split(b"\r\n\r\n")[0].split(b"\r\n") if h.startswith(b"To:")]
    return line


def test_an_idn_domain_is_written_as_its_a_label() -> None:
    """mfa@münchen-mfa.example is addressed as mfa@xn--mnchen-mfa-9db.example."""
    line = to_header("mfa@münchen-mfa.example")
    assert line.endswith(b"<mfa@xn--mnchen-mfa-9db.example>")
    assert b"=?utf-8?" not in line.split(b"<")[1]


def test_a_non_ascii_local_part_is_written_in_utf8() -> None:
    """андрей@мид.example stays readable UTF-8 in the header (the message needs SMTPUTF8)."""
    line = to_header("андрей@мид.example")
    assert "<андрей@xn--d1ahl.example>".encode() in line
    assert b"=?utf-8?" not in line.split(b"<")[1]
