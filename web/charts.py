"""Charts drawn on the server as SVG: no JavaScript, readable by screen readers via a table.

Rule: a chart only lays out numbers it is given; every chart on a page is accompanied by the
same figures in text (a caption or a table), so nothing is said by the picture alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

WIDTH, HEIGHT, PAD, LEFT = 640, 180, 28, 56  # LEFT: room for the count labels
MAX_POINTS = 240


@dataclass(frozen=True)
class Mark:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    points: str  # the SVG polyline's "x,y x,y …"
    marks: list[Mark]
    top: int
    start: datetime | None
    end: datetime | None
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD
    left: int = LEFT


def _thin(points: list[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """At most MAX_POINTS points, always keeping the first and the last."""
    if len(points) <= MAX_POINTS:
        return points
    step = len(points) / (MAX_POINTS - 1)
    return [points[int(i * step)] for i in range(MAX_POINTS - 1)] + [points[-1]]


def timeline(points: list[tuple[datetime, int]], marks: list[tuple[datetime, str]]) -> Timeline:
    """Signature counts over time as a step line, with labelled vertical marks (batches).
    Fewer than two moments make no line: the page then states the count in words."""
    points = _thin(sorted(points))
    times = [p[0] for p in points] + [m[0] for m in marks]
    if not points or min(times) == max(times):
        return Timeline("", [], max((c for _, c in points), default=0), None, None)
    start, end = min(times), max(times)
    points.append((end, points[-1][1]))  # the last count holds until the chart's end
    span = (end - start).total_seconds()
    top = max(count for _, count in points) or 1

    def x(moment: datetime) -> float:
        return round(LEFT + (WIDTH - LEFT - PAD) * (moment - start).total_seconds() / span, 1)

    def y(count: int) -> float:
        return round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / top, 1)

    coords, previous = [], None
    for moment, count in points:
        if previous is not None:
            coords.append(f"{x(moment)},{y(previous)}")  # a step: counts jump, not slide
        coords.append(f"{x(moment)},{y(count)}")
        previous = count
    return Timeline(" ".join(coords), [Mark(x(m), label) for m, label in marks], top, start, end)
