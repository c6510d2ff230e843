"""Report figures: Wilson interval, too few to rate, answer times, league order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from responses.figures import MIN_TO_RATE, league, rate, wilson
from responses.report import ReportRow

SENT = datetime(2021, 9, 8, tzinfo=UTC)


def row(key: str, status: str, days: float | None = None, delivered: bool = True) -> ReportRow:
    return ReportRow(
        key,
        key.upper(),
        "approved",
        "sent",
        SENT if delivered else None,
        status,
        None,
        days,
        "email" if days else "",
        "",
    )


def test_wilson_interval_of_half() -> None:
    """5 of 10 gives the textbook Wilson interval 0.237–0.763."""
    low, high = wilson(5, 10)
    assert (round(low, 3), round(high, 3)) == (0.237, 0.763)


def test_fewer_than_ten_delivered_is_too_few_to_rate() -> None:
    """Below the minimum a group gets counts and times but no rate or interval."""
    figures = rate("all", [row(f"a{i}", "responded", 2.0) for i in range(MIN_TO_RATE - 1)])
    assert (figures.rate, figures.low, figures.answered) == (None, None, MIN_TO_RATE - 1)
    assert "too few to rate" in figures.describe()


def test_rate_counts_refusals_and_leaves_out_no_response_needed() -> None:
    """Refused counts as answered; no-response-needed and undelivered leave the denominator."""
    rows = [row(f"r{i}", "responded", float(i)) for i in range(1, 6)]
    rows += [row("x", "refused"), row("n", "no-response-needed"), row("u", "awaiting", None, False)]
    rows += [row(f"s{i}", "overdue") for i in range(4)]
    figures = rate("all", rows)
    assert (figures.delivered, figures.answered, figures.rate) == (10, 6, pytest.approx(0.6))
    assert (figures.median_days, figures.mean_days) == (3.0, 3.0)


def test_league_puts_fast_answerers_first() -> None:
    """Addressees who always answer come first, the faster before the slower."""
    table = league(
        [
            [row("slow", "responded", 9.0), row("fast", "responded", 1.0), row("mute", "overdue")],
            [row("slow", "responded", 7.0), row("fast", "responded", 2.0), row("mute", "overdue")],
        ]
    )
    assert [r.addressee_key for r in table] == ["fast", "slow", "mute"]
    assert table[0].campaigns == 2
