"""``advocacy rehearse CAMPAIGN --from DATE --to DATE [--counts FILE]``: the campaign's
timeline on a simulated clock, printed, with nothing sent or changed.

Rule (``cli.lazy``): service modules are imported inside the command. The work is done by
``campaigns.rehearsal`` on a throwaway copy of the database.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from cli.base import console, handled, main, services

if TYPE_CHECKING:
    from campaigns.rehearsal import AnswerDue, Event, Plan
    from responses.deadlines import Deadlines

_STYLE = {
    "fire": "bold green",
    "missed": "red",
    "batch": "bold",
    "due": "yellow",
    "reminder": "magenta",
}


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_counts(path: Path) -> list[tuple[datetime, int]]:
    """A CSV of ``when,count`` rows (when: ISO date or time, UTC unless it has an offset; a
    header row is allowed); a bad row is an ``InputError`` naming its line."""
    from campaigns.signatures import check_bounds
    from errors import InputError, Problem

    if not path.is_file():
        raise InputError([Problem(str(path), None, "file", "does not exist")])
    rows, problems = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
                continue
            try:
                when, count = _moment(row[0]), int(row[1].replace(",", "").replace("_", ""))
                check_bounds(count, source=str(path))
            except (ValueError, IndexError):
                if line > 1:
                    problems.append(Problem(str(path), line, "row", "expected WHEN,COUNT"))
                continue
            except InputError as exc:
                problems += [Problem(str(path), line, "count", p.message) for p in exc.problems]
                continue
            rows.append((when, count))
    if problems:
        raise InputError(problems)
    return rows


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--from", "start", required=True, help="Start of the rehearsal (date or time, UTC).")
@click.option("--to", "end", required=True, help="End of the rehearsal (date or time, UTC).")
@click.option(
    "--counts",
    type=click.Path(path_type=Path),
    help="CSV of WHEN,COUNT rows: signature counts to feed in at those moments.",
)
@handled
def rehearse(campaign_key: str, start: str, end: str, counts: Path | None) -> None:
    """Rehearse CAMPAIGN (a key, or an appeal file to try before creating it): run its
    milestones against a simulated clock from --from to --to on a throwaway copy of the
    database and print the timeline: which milestone fires when and why, which batch, which
    addressees in which language by which channel, when answers fall due and when reminders
    go. Nothing is sent or changed. Letters are assumed delivered the day they are made and
    never answered."""
    from campaigns.appeal import Appeal, load_appeal
    from campaigns.rehearsal import Plan, throwaway
    from campaigns.rehearsal import rehearse as run
    from errors import InputError, Problem

    try:
        period = _moment(start), _moment(end)
    except ValueError as exc:
        raise InputError([Problem("--from/--to", None, "date", str(exc))]) from None
    if period[1] <= period[0]:
        raise InputError([Problem("--to", None, "date", "must be after --from")])
    s = services()
    target: str | Appeal = campaign_key
    if campaign_key.endswith((".yaml", ".yml", ".json")) or Path(campaign_key).is_file():
        target = load_appeal(Path(campaign_key))
    plan = Plan(
        period[0],
        period[1],
        read_counts(counts) if counts else [],
        s.missed_policy,
        _answer_due(s.settings.answer_deadlines),
    )
    with throwaway(s.db.engine) as session:
        events = run(session, target, plan, identities=s.identities)
    _print(campaign_key, plan, events)


def _answer_due(deadlines: Deadlines) -> AnswerDue:
    """The service's deadline rules (``ADVOCACY_ANSWER_DUE_RULES``) as the rehearsal asks."""
    return lambda delivered, a: deadlines.due(delivered, category=a.category, country=a.country)


def _print(campaign: str, plan: Plan, events: list[Event]) -> None:
    console.print(
        f"rehearsal of {campaign}, {plan.start:%Y-%m-%d %H:%M} to {plan.end:%Y-%m-%d %H:%M} UTC "
        "(simulated clock; nothing sent or changed)",
        soft_wrap=True,
    )
    console.print(
        "assumed: each letter delivered the day its batch is made and never answered, so "
        "the deadlines and reminders shown are the latest there can be",
        soft_wrap=True,
    )
    for event in events:
        style = _STYLE.get(event.kind, "")
        when = "" if event.kind == "letter" else f"{event.at:%Y-%m-%d %H:%M} UTC  "
        text = f"[{style}]{escape(event.text)}[/{style}]" if style else escape(event.text)
        console.print(
            f"{when:>22}{text}" if when else f"{'':22}{text}", soft_wrap=True, markup=True
        )
    if not any(e.kind == "fire" for e in events):
        console.print("no milestone fires in this period")
