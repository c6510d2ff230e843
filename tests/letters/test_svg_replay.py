"""The QR code's drawing replayed: the same PDF bytes as drawing it every time."""

from __future__ import annotations

import pytest
from weasyprint.images import SVGImage

from letters import svg_replay
from letters.pdf import PdfRenderer
from tests.letters.builders import TEMPLATES, addressee, letter

LETTERS = [letter("en"), letter("ru"), letter("en", to=addressee(key="mfa-poland"))]


def test_replayed_letters_are_the_bytes_of_drawn_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered with the drawing kept and replayed, and with every QR code drawn in full by
    WeasyPrint: the same bytes, letter by letter."""
    assert all(one.petition_url for one in LETTERS)  # every letter has a QR code to replay
    svg_replay._drawn.clear()
    renderer = PdfRenderer(TEMPLATES)
    replayed = [renderer.render(one).content for one in LETTERS * 2]
    assert svg_replay._drawn  # something was kept, so the second round replayed it
    monkeypatch.setattr(SVGImage, "draw", svg_replay._draw)
    drawn = [PdfRenderer(TEMPLATES).render(one).content for one in LETTERS * 2]
    assert replayed == drawn
