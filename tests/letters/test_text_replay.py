"""Shared lines of text replayed: the same PDF bytes as drawing every line of every letter."""

from __future__ import annotations

import pytest
import weasyprint.draw

from letters import text_replay
from letters.pdf import PdfRenderer
from tests.letters.builders import TEMPLATES, addressee, letter

# Two languages, and addressees whose heads use glyphs the shared pages do not (and the reverse).
LETTERS = [
    letter("en"),
    letter("ru"),
    letter("en", to=addressee(key="mfa-poland", name="Ministerstwo Spraw", official_name="")),
    letter("ru", to=addressee(key="mfa-latvia", name="Ārlietu ministrija", official_name="")),
    letter("en", to=addressee(key="mfa-q", name="Qx", official_name="")),
]


def test_replayed_letters_are_the_bytes_of_drawn_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered with shared lines replayed, and with every line drawn by WeasyPrint: the same
    bytes, letter by letter, and most lines of later letters were replayed."""
    replays = []
    replayed_by = text_replay._replayed
    monkeypatch.setattr(
        text_replay, "_replayed", lambda *a: replays.append(replayed_by(*a)) or replays[-1]
    )
    replayed = [PdfRenderer(TEMPLATES).render(one).content for one in LETTERS]
    renderer = PdfRenderer(TEMPLATES)
    replayed += [renderer.render(one).content for one in LETTERS * 2]
    assert replays.count(True) > 100  # lines were shared, so replayed
    monkeypatch.setattr(weasyprint.draw, "draw_text", text_replay._draw_text)
    painted = [PdfRenderer(TEMPLATES).render(one).content for one in LETTERS]
    renderer = PdfRenderer(TEMPLATES)
    painted += [renderer.render(one).content for one in LETTERS * 2]
    assert replayed == painted
