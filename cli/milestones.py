"""Commands for milestones: where a campaign stands, and its dated milestones as iCalendar.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress_bar import ProgressBar
from rich.table import Table

from cli.base import console, handled, main, services

if TYPE_CHECKING:
    from campaigns.goals import Standing

_STYLE = {"fired": "green", "missed": "red", "due": "yellow", "pending": ""}


@main.group()
def milestones() -> None:
    """Milestones: signature counts and dates that trigger a delivery batch."""


def _table(state: Standing) -> Table:
    table = Table("milestone", "trigger", "status", "batch", "when (UTC)")
    for view in state.milestones:
        due = view.milestone.due_at
        when = view.settled_at or due
        style = _STYLE[view.status]
        table.add_row(
            view.milestone.key,
            view.milestone.describe(),
            f"[{style}]{view.status}[/{style}]" if style else view.status,
            str(view.batch_id or ""),
            f"{when:%Y-%m-%d %H:%M}" if when else "",
        )
    return table


@milestones.command("list")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def milestones_list(campaign_key: str) -> None:
    """Show each milestone (fired, missed, due or pending), the count and the next goal."""
    from campaigns.goals import standing

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        state = standing(uow, campaign_key, clock=s.clock)
    console.print(_table(state))
    as_of = f" (as of {state.as_of:%Y-%m-%d %H:%M} UTC)" if state.as_of else ""
    console.print(f"signatures: {state.count:,}{as_of}")
    if state.next_goal is not None:
        span = state.next_goal - state.previous_goal
        done = state.count - state.previous_goal
        by = "goal ladder" if state.next_goal_by == "ladder" else f"milestone {state.next_goal_by}"
        console.print(f"next goal: {state.next_goal:,} ({by})")
        console.print(ProgressBar(total=span, completed=done, width=50))
        console.print(f"{done:,} of {span:,} since {state.previous_goal:,}")
    dated = state.next_dated
    due = dated.milestone.due_at if dated else None
    if dated is not None and due is not None:
        console.print(f"next date: {dated.milestone.key} at {due:%Y-%m-%d %H:%M} UTC")


@milestones.command("ics")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--out", type=click.Path(path_type=Path), help="Write here instead of stdout.")
@handled
def milestones_ics(campaign_key: str, out: Path | None) -> None:
    """Export the dated milestones (and the events they refer to) as an iCalendar file."""
    from campaigns.ics import milestone_calendar

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        data = milestone_calendar(uow, campaign_key, clock=s.clock)
    if out is None:
        click.echo(data, nl=False)
        return
    out.write_bytes(data)
    console.print(f"wrote {out}")
