"""Charts for the report as inline SVG strings: no JavaScript, no external files.

Rule: every label placed in the SVG goes through ``escape``; the SVG is generated here, never
from user-supplied markup, so the report may embed it as-is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from responses.figures import Rate

WIDTH, HEIGHT, PAD = 640, 240, 44
INK, ACCENT, ANSWER, GRID = "#222", "#1f5f99", "#2b8a3e", "#ccc"


@dataclass(frozen=True)
class Timeline:
    """What the timeline shows: signature counts, milestone batches, deliveries, answers."""

    signatures: Sequence[tuple[datetime, int]]
    milestones: Sequence[tuple[datetime, str]]
    deliveries: Sequence[datetime]
    answers: Sequence[datetime]


def _svg(body: list[str], title: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="PT Sans, sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def timeline_svg(data: Timeline) -> str:
    """Signatures over time (line), milestones (dashed), deliveries (ticks), answers (dots)."""
    moments = [t for t, _ in data.signatures] + [t for t, _ in data.milestones]
    moments += list(data.deliveries) + list(data.answers)
    if not moments:
        return _svg([f'<text x="{PAD}" y="{HEIGHT / 2}">No activity yet.</text>'], "Timeline")
    start, end = min(moments), max(moments)
    span = max((end - start).total_seconds(), 86400.0)
    top = max([c for _, c in data.signatures] or [1])

    def x(t: datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * (t - start).total_seconds() / span

    def y(count: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / top

    body = [
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'stroke="{INK}"/>',
        f'<text x="{PAD}" y="{HEIGHT - PAD + 16}">{start:%d %b %Y}</text>',
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" text-anchor="end">{end:%d %b %Y}</text>',
        f'<text x="{PAD}" y="{PAD - 8}">{top:,} signatures</text>',
    ]
    if data.signatures:
        points = " ".join(f"{x(t):.1f},{y(c):.1f}" for t, c in data.signatures)
        body.append(f'<polyline points="{points}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for t, label in data.milestones:
        body.append(
            f'<line x1="{x(t):.1f}" y1="{PAD}" x2="{x(t):.1f}" y2="{HEIGHT - PAD}" '
            f'stroke="{INK}" stroke-dasharray="4 3"/>'
            f'<text x="{x(t) + 3:.1f}" y="{PAD + 10}">{escape(label)}</text>'
        )
    for t in data.deliveries:
        body.append(
            f'<line x1="{x(t):.1f}" y1="{HEIGHT - PAD}" x2="{x(t):.1f}" '
            f'y2="{HEIGHT - PAD - 8}" stroke="{ACCENT}"/>'
        )
    for t in data.answers:
        body.append(f'<circle cx="{x(t):.1f}" cy="{HEIGHT - PAD - 14}" r="4" fill="{ANSWER}"/>')
    body.append(
        f'<text x="{WIDTH - PAD}" y="{PAD - 8}" text-anchor="end">'
        "— signatures · dashed: milestone · | delivery · "
        f'<tspan fill="{ANSWER}">•</tspan> answer</text>'
    )
    return _svg(body, "Timeline: signatures, milestones, deliveries and answers")


def rate_bars_svg(rates: Sequence[Rate], title: str) -> str:
    """One horizontal bar per group: the answered share of delivered letters."""
    row = 22
    height = 20 + row * max(len(rates), 1)
    body = []
    for i, r in enumerate(rates):
        top = 10 + i * row
        share = r.answered / r.delivered if r.delivered else 0.0
        width = (WIDTH - 260) * share
        body.append(
            f'<text x="150" y="{top + 12}" text-anchor="end">{escape(r.label[:24])}</text>'
            f'<rect x="160" y="{top}" width="{WIDTH - 260}" height="14" fill="#eee"/>'
            f'<rect x="160" y="{top}" width="{width:.1f}" height="14" fill="{ACCENT}"/>'
            f'<text x="{WIDTH - 94}" y="{top + 12}">{r.answered}/{r.delivered}</text>'
        )
    return _svg(body, title, height)
