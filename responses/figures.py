"""Aggregate figures of a response report: rates with a 95 % Wilson interval, answer times,
breakdowns by category, country and stance, and the cross-campaign league table.

Rule: a rate is computed over addressees whose letter was delivered; "refused" counts as
answered (they said no), "no-response-needed" leaves the denominator; below ``MIN_TO_RATE``
delivered addressees a group is "too few to rate" and gets no interval.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from responses.report import ReportRow

MIN_TO_RATE = 10
ANSWERED = {"responded", "refused"}


@dataclass(frozen=True)
class Rate:
    label: str
    delivered: int
    answered: int
    rate: float | None  # None: too few to rate
    low: float | None
    high: float | None
    median_days: float | None
    mean_days: float | None

    def describe(self) -> str:
        if self.rate is None:
            return f"{self.answered}/{self.delivered} (too few to rate)"
        return (
            f"{self.answered}/{self.delivered} = {self.rate:.0%} "
            f"(95% CI {self.low:.0%}–{self.high:.0%})"
        )


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % with the default z)."""
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(label: str, rows: Iterable[ReportRow]) -> Rate:
    counted = [r for r in rows if r.delivered_at is not None and r.status != "no-response-needed"]
    answered = sum(r.status in ANSWERED for r in counted)
    days = [r.days_to_answer for r in counted if r.days_to_answer is not None]
    return counted_rate(label, delivered=len(counted), answered=answered, days=days)


def counted_rate(label: str, *, delivered: int, answered: int, days: list[float]) -> Rate:
    """The rate of ``answered`` among ``delivered`` counted addressees (counted by ``rate``'s
    rule, e.g. in SQL), with the answer times ``days``."""
    median = statistics.median(days) if days else None
    mean = round(statistics.fmean(days), 1) if days else None
    if delivered < MIN_TO_RATE:
        return Rate(label, delivered, answered, None, None, None, median, mean)
    low, high = wilson(answered, delivered)
    return Rate(label, delivered, answered, answered / delivered, low, high, median, mean)


def breakdown(rows: list[ReportRow], key: Callable[[ReportRow], str]) -> list[Rate]:
    """One rate per value of ``key`` (e.g. category), largest group first."""
    groups: dict[str, list[ReportRow]] = {}
    for row in rows:
        groups.setdefault(key(row) or "(none)", []).append(row)
    rates = [rate(label, members) for label, members in groups.items()]
    return sorted(rates, key=lambda r: (-r.delivered, r.label))


def stances(rows: list[ReportRow]) -> dict[str, int]:
    """How many answers took each stance."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.status == "responded":
            counts[row.stance or "unclear"] = counts.get(row.stance or "unclear", 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


@dataclass(frozen=True)
class LeagueRow:
    addressee_key: str
    addressee_name: str
    campaigns: int
    answered: int
    median_days: float | None


def league(reports: Iterable[list[ReportRow]]) -> list[LeagueRow]:
    """Addressees across campaigns, most responsive first: answer share, then speed."""
    seen: dict[str, list[ReportRow]] = {}
    for rows in reports:
        for row in rows:
            if row.delivered_at is not None and row.status != "no-response-needed":
                seen.setdefault(row.addressee_key, []).append(row)
    table = []
    for key, rows in seen.items():
        days = [r.days_to_answer for r in rows if r.days_to_answer is not None]
        answered = sum(r.status in ANSWERED for r in rows)
        median = statistics.median(days) if days else None
        table.append(LeagueRow(key, rows[0].addressee_name, len(rows), answered, median))
    return sorted(
        table,
        key=lambda r: (-r.answered / r.campaigns, r.median_days or math.inf, r.addressee_key),
    )
