"""Benchmarks: speed is measured here, never asserted in tests.

Rule: a benchmark is a module ``bench/bench_<name>.py`` with ``def run(report: Report) -> None``.
It works only inside ``report.workdir`` (a fresh temporary directory with room for its own
SQLite database; never ``var/``), and states every result through ``report``, which prints one
line per figure on stdout so runs can be compared with ``grep ^BENCH``:

    BENCH <name>.<figure> <value> <unit> [ratio=<x>]

``ratio`` is the figure divided by the same figure for the naive baseline, measured in the
same run on the same machine (so ``ratio=2`` on a rate means twice the baseline's speed, and
on a time per item means twice as slow). The baseline's own figures are printed too, as
``<name>.baseline.<figure>``. ``python -m bench.run [NAME ...]`` runs them (see ``bench.run``).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


def _number(value: float) -> str:
    """Four significant digits, never in exponent form (lines are read by people and scripts)."""
    if value == 0 or abs(value) >= 1000:
        return f"{value:.0f}"
    digits = max(0, 3 - int(f"{abs(value):e}".split("e")[1]))
    return f"{value:.{digits}f}"


@dataclass
class Report:
    """Where one benchmark writes its figures; also names its private working directory."""

    name: str
    workdir: Path
    out: TextIO = sys.stdout

    def figure(
        self, figure: str, value: float, unit: str, *, baseline: float | None = None
    ) -> None:
        """Print one ``BENCH`` line; with ``baseline``, append the ratio to it."""
        line = f"BENCH {self.name}.{figure} {_number(value)} {unit}"
        if baseline is not None:
            line += f" ratio={value / baseline:.2f}"
        print(line, file=self.out, flush=True)

    def headline(self, name: str, value: float, unit: str, ratio: float | None = None) -> None:
        """Print ``BENCH <name> <value> <unit> [ratio=..]`` with ``name`` as given (no module
        prefix): the exact line an issue asks for, printed beside the ``figure`` lines."""
        line = f"BENCH {name} {_number(value)} {unit}"
        if ratio is not None:
            line += f" ratio={ratio:.2f}"
        print(line, file=self.out, flush=True)

    def versus(self, figure: str, unit: str, *, value: float, baseline: float) -> None:
        """Print the baseline's figure, then this implementation's with its ratio."""
        self.figure(f"baseline.{figure}", baseline, unit)
        self.figure(figure, value, unit, baseline=baseline)

    def note(self, text: str) -> None:
        """Progress or a remark for the person watching: stderr, never a BENCH line."""
        print(f"# {self.name}: {text}", file=sys.stderr, flush=True)


def alternate(
    contenders: Mapping[str, Callable[[], int]], *, seconds: float, min_rounds: int = 3
) -> dict[str, float]:
    """Median seconds per item of each contender, run round-robin until ``seconds`` pass.

    Each callable does one round of work and returns how many items it handled. Taking turns
    (in alternating order) spreads load from other processes over all contenders alike, and the
    median ignores a round that a burst of such load happened to hit.
    """
    per_item: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    started = time.perf_counter()
    rounds = 0
    while rounds < min_rounds or time.perf_counter() - started < seconds:
        for name in order if rounds % 2 == 0 else reversed(order):
            began = time.perf_counter()
            items = contenders[name]()
            per_item[name].append((time.perf_counter() - began) / items)
        rounds += 1
    return {name: statistics.median(times) for name, times in per_item.items()}
