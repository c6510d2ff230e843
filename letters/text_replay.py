"""Drawing a line of text that letters share once, and replaying its operators after that.

Rule: letters laid out from one master (``letters.reuse``) share the master's boxes for all but
their head, so drawing one of those text boxes appends the same operators to the page's
content stream every time — given the same stream state (colour, alpha, font) and the same
glyph widths already known to the document's fonts (WeasyPrint reuses a width it has, so the
kerning written depends on it). A text box met a second time is drawn with its fonts' glyph
tables set aside, so every glyph it draws is measured afresh; what it appended, the state it
left, the fonts it used (first use first) and each glyph's width and text are recorded on the
box, keyed by the state it started from (with whether the stream ends a text object, which
the draw then continues). A later draw from that state replays the operators
when every recorded width agrees with the document's (a glyph it lacks would be measured as
recorded), and then tells the fonts of the glyphs as drawing them would: a glyph a font has
keeps what it had, as in WeasyPrint's ``draw_first_line``. Otherwise the box is drawn in full.
A draw is recorded only when it added nothing but alpha graphics states, appended plain
operator bytes, used no glyph its font lacks and no bitmap or colour font, and the document is
untagged. A replayed letter is the bytes a drawn one is (tests/letters/test_text_replay.py).

Why: drawing text walks every line through Pango glyph by glyph — the most of painting a cover
letter, for lines that are the same in every letter of a language and template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pydyf
import weasyprint.draw
from weasyprint.text.fonts import get_pango_font_key

from letters.stream_states import STATE as _STATE
from letters.stream_states import Names, alpha_states_added, resource_names

_draw_text = weasyprint.draw.draw_text  # WeasyPrint's own
_SEEN, _DRAWN = "_advocacy_seen", "_advocacy_drawn"  # attributes kept on WeasyPrint's boxes
Glyphs = list[tuple[int, list[tuple[int, int]], list[tuple[int, str]]]]  # per font key


@dataclass(frozen=True)
class _Drawn:
    operators: list[bytes]
    state: tuple[Any, ...]  # what the draw left
    fonts: list[tuple[int, Any]]  # (font key, Pango font), as the draw first used each
    glyphs: Glyphs
    alpha_states: dict[str, dict[str, Any]]


def draw_text(
    stream: Any, textbox: Any, offset_x: float, text_overflow: str, block_ellipsis: str = "none"
) -> None:
    """``weasyprint.draw.draw_text``, replayed when this box was drawn before from this state."""
    args = (stream, textbox, offset_x, text_overflow, block_ellipsis)
    key = (offset_x, text_overflow, block_ellipsis, _state(stream), _ends_text(stream))
    drawn: dict[tuple[Any, ...], _Drawn] | None = getattr(textbox, _DRAWN, None)
    tagged = stream._tags is not None  # marked content: drawn in full, never recorded
    if not tagged and drawn is not None and key in drawn and _replayed(stream, drawn[key]):
        return
    if tagged or not getattr(textbox, _SEEN, False):
        setattr(textbox, _SEEN, True)  # a box drawn once (a letter's head) is never recorded
        _draw_text(*args)
        return
    recorded = _recorded(args)
    if recorded is None:
        _draw_text(*args)
        return
    if drawn is None:
        drawn = {}
        setattr(textbox, _DRAWN, drawn)
    drawn[key] = recorded


def _state(stream: Any) -> tuple[Any, ...]:
    return tuple(getattr(stream, name) for name in _STATE)


def _ends_text(stream: Any) -> bool:
    """Whether the stream ends a text object: WeasyPrint's ``begin_text`` then takes that
    ``ET`` back and goes on in the same object, so the draw starts one operator earlier."""
    return bool(stream.stream) and stream.stream[-1] == b"ET"


def _recorded(args: tuple[Any, ...]) -> _Drawn | None:
    """Draw with the fonts' glyph tables set aside; what it drew, when that is what drawing it
    in this document gives and it can be replayed — else ``None``, the draw undone."""
    stream = args[0]
    start = len(stream.stream) - _ends_text(stream)  # the ET it may take back is its own
    state, before = _state(stream), resource_names(stream)
    had = stream.stream[start:]
    used: list[tuple[int, Any]] = []
    set_aside: dict[int, tuple[Any, dict[int, int], dict[int, str]]] = {}
    add_font = stream.add_font

    def noting(pango_font: Any) -> Any:
        font, size = add_font(pango_font)
        if id(font) not in set_aside:
            set_aside[id(font)] = (font, font.widths, font.to_unicode)
            font.widths, font.to_unicode = {}, {}
        if not any(pango_font == known for _, known in used):
            used.append((get_pango_font_key(pango_font)[0], pango_font))
        return font, size

    stream.add_font = noting
    try:
        _draw_text(*args)
    finally:
        del stream.add_font
        fresh = _restored(set_aside)
    drawn = _checked(
        stream, _Drawn(stream.stream[start:], _state(stream), used, [], {}), fresh, before
    )
    if drawn is None:  # undone: drawn again in full by the caller
        stream.stream[start:] = had
        for name, value in zip(_STATE, state, strict=True):
            setattr(stream, name, value)
        return None
    _tell_fonts(_fonts_by_key(stream, drawn), drawn.glyphs)
    return drawn


def _restored(set_aside: dict[int, tuple[Any, dict[int, int], dict[int, str]]]) -> dict[int, Any]:
    """Put the fonts' own glyph tables back; the fresh ones, with their font, by font id."""
    fresh = {}
    for font, widths, to_unicode in set_aside.values():
        fresh[id(font)] = font, font.widths, font.to_unicode, font.missing
        font.widths, font.to_unicode = widths, to_unicode
    return fresh


def _checked(stream: Any, drawn: _Drawn, fresh: dict[int, Any], before: Names) -> _Drawn | None:
    alpha = alpha_states_added(stream, before)
    if alpha is None or not all(isinstance(op, bytes) for op in drawn.operators):
        return None
    glyphs: Glyphs = []
    for key, _ in drawn.fonts:
        font, widths, to_unicode, missing = fresh[id(stream._fonts[key])]
        if missing or font.svg or font.png or font.bitmap:
            return None
        if key not in {k for k, _, _ in glyphs}:
            glyphs.append((key, list(widths.items()), list(to_unicode.items())))
    done = _Drawn(drawn.operators, drawn.state, drawn.fonts, glyphs, alpha)
    return done if _agrees(_fonts_by_key(stream, done), glyphs) else None


def _fonts_by_key(stream: Any, drawn: _Drawn) -> dict[int, Any]:
    """The document's font for each font the draw used, made as drawing would make it."""
    return {key: stream.add_font(pango_font)[0] for key, pango_font in drawn.fonts}


def _agrees(fonts: dict[int, Any], glyphs: Glyphs) -> bool:
    """Whether each recorded width is the one the document's font has, or would measure."""
    for key, widths, _ in glyphs:
        known = fonts[key].widths
        if any(known.get(glyph, width) != width for glyph, width in widths):
            return False
    return True


def _tell_fonts(fonts: dict[int, Any], glyphs: Glyphs) -> None:
    for key, widths, texts in glyphs:
        font = fonts[key]
        for glyph, width in widths:
            font.widths.setdefault(glyph, width)
        for glyph, text in texts:
            font.to_unicode.setdefault(glyph, text)


def _replayed(stream: Any, drawn: _Drawn) -> bool:
    fonts = _fonts_by_key(stream, drawn)
    if not _agrees(fonts, drawn.glyphs):
        return False
    for name, values in drawn.alpha_states.items():
        stream._resources["ExtGState"].setdefault(name, pydyf.Dictionary(values))
    stream.stream[len(stream.stream) - _ends_text(stream) :] = drawn.operators
    for name, value in zip(_STATE, drawn.state, strict=True):
        setattr(stream, name, value)
    _tell_fonts(fonts, drawn.glyphs)
    return True


def install() -> None:
    weasyprint.draw.draw_text = draw_text
