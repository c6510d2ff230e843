"""A page stream's drawing state, and what a drawing added to its resources: for the replays
(``letters.svg_replay``, ``letters.text_replay``).

Rule: a drawing can be replayed only when the only resources it added to the page are alpha
graphics states — plain ``/ca`` or ``/CA`` numbers, which a replay adds again under the same
names, in the same order. Any other resource (an image, a pattern, a shading, a group, another
graphics state) makes it a drawing that is done in full every time.
"""

from __future__ import annotations

from typing import Any

Names = dict[str, tuple[str, ...]]
# The stream's drawing state a drawing starts from and leaves (WeasyPrint's Stream attributes).
STATE = (
    "_current_color",
    "_current_color_stroke",
    "_current_alpha",
    "_current_alpha_stroke",
    "_current_font",
    "_old_font",
    "_old_font_size",
)


def resource_names(stream: Any) -> Names:
    """The names of the page's resources by kind, in the order they were added, and its images."""
    names = {k: tuple(v) for k, v in stream._resources.items() if hasattr(v, "keys")}
    return {**names, "images": tuple(stream._images)}


def alpha_states_added(stream: Any, before: Names) -> dict[str, dict[str, Any]] | None:
    """The graphics states added since ``before``, in the order they were added, when they are
    only alpha values (else ``None``)."""
    now = resource_names(stream)
    if now.keys() != before.keys():
        return None
    added: dict[str, dict[str, Any]] = {}
    for kind, names in now.items():
        had = set(before[kind])
        new = [name for name in names if name not in had]
        if new and kind != "ExtGState":
            return None
        for name in new:
            state = dict(stream._resources[kind][name])
            if set(state) - {"ca", "CA"} or not all(
                isinstance(v, int | float) for v in state.values()
            ):
                return None
            added[name] = state
    return added
