"""Drawing an inline SVG (the petition's QR code) once, and replaying its operators after that.

Rule: WeasyPrint draws an SVG image by walking its tree into the page's content stream, the
same operators every time for the same image, size, position and graphics state. So the
operators one draw appended are kept, keyed by all of these — the image's ``data:`` URI (its
whole content), the size, the transformation matrix, and the stream's current colour, alpha
and font — and a later draw with the same key appends the same operators and leaves the same
state. A draw is kept only when the only resources it added are alpha graphics states (plain
``/ca`` or ``/CA`` numbers, added again on replay), it left the state stack as it found it and
it appended plain operator bytes; any other draw happens in full every time. A replayed letter
is the bytes a drawn one is (tests/letters/test_svg_replay.py).

Why: a QR code is a path of hundreds of segments, parsed and drawn again for every letter:
about a tenth of a cover letter's time.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pydyf
from weasyprint.images import SVGImage

from letters.stream_states import STATE as _STATE
from letters.stream_states import alpha_states_added, resource_names

KEPT = 16  # drawings per process: one QR code per campaign and size
_Drawing = tuple[list[bytes], tuple[Any, ...], dict[str, dict[str, Any]]]
_drawn: OrderedDict[tuple[Any, ...], _Drawing] = OrderedDict()
_draw = SVGImage.draw  # WeasyPrint's own


def _resources(stream: Any) -> tuple[Any, ...]:
    """The names of the page's resources (and how many fonts and images it has)."""
    names = [(k, tuple(sorted(v))) for k, v in stream._resources.items() if hasattr(v, "keys")]
    return (len(stream._images), len(stream._fonts), *sorted(names))


def _key(image: Any, stream: Any, width: float, height: float) -> tuple[Any, ...] | None:
    url = getattr(image, "_base_url", None)
    if not isinstance(url, str) or not url.startswith("data:"):
        return None
    state = tuple(getattr(stream, name) for name in _STATE)
    return (url, width, height, tuple(stream.ctm.values), state, _resources(stream))


def draw(image: Any, stream: Any, width: float, height: float, style: Any) -> None:
    """``SVGImage.draw``, replayed when the same drawing was made before."""
    key = _key(image, stream, width, height)
    if key is not None and key in _drawn:
        _drawn.move_to_end(key)
        _replay(stream, _drawn[key])
        return
    start, depth = len(stream.stream), len(stream._ctm_stack)
    fonts, before = len(stream._fonts), resource_names(stream)
    _draw(image, stream, width, height, style)
    operators = stream.stream[start:]
    plain = all(isinstance(op, bytes) for op in operators)
    if key is None or not plain or len(stream._ctm_stack) != depth:
        return
    added = alpha_states_added(stream, before) if len(stream._fonts) == fonts else None
    if added is None:
        return  # it added another resource: replaying would leave it out
    _drawn[key] = (operators, tuple(getattr(stream, name) for name in _STATE), added)
    while len(_drawn) > KEPT:
        _drawn.popitem(last=False)


def _replay(stream: Any, drawing: _Drawing) -> None:
    operators, state, added = drawing
    for name, values in added.items():
        stream._resources["ExtGState"][name] = pydyf.Dictionary(values)
    stream.stream.extend(operators)
    for attribute, value in zip(_STATE, state, strict=True):
        setattr(stream, attribute, value)


def install() -> None:
    SVGImage.draw = draw
