"""``advocacy report``: the response report of a campaign, or the league table across campaigns.

Rule: the figures come from ``responses.report`` and ``responses.figures`` only; this module
picks the format and where it goes. Service modules are imported inside the commands
(``cli.lazy``), never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import console, handled, main, services, working
from cli.lazy import LazyChoice, constant
from errors import InputError, Problem

if TYPE_CHECKING:
    import bootstrap


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN", required=False)
@click.option(
    "--format",
    "fmt",
    type=LazyChoice(constant("responses.publish:FORMATS")),
    default="table",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to FILE (pdf needs it).")
@click.option("--league", is_flag=True, help="Addressees of all campaigns by responsiveness.")
@handled
def report(campaign_key: str | None, fmt: str, out: Path | None, league: bool) -> None:
    """Who was written to, who answered, how and how fast: statuses, response rate with a 95 %
    interval, answer times, breakdowns by category, country and stance, and a timeline chart
    (html, pdf). With --league, addressees of every campaign ranked by responsiveness."""
    from responses.publish import build_report, render_report

    s = services()
    if league:
        print_league(s)
        return
    if not campaign_key:
        raise InputError([Problem("report", None, "CAMPAIGN", "give a campaign or --league")])
    if fmt == "table":
        print_report(s, campaign_key)
        return
    with working(f"building the {fmt} report"), s.db.unit_of_work(write=False) as uow:
        data = build_report(uow, campaign_key, clock=s.clock, settings=s.settings)
        content = render_report(data, fmt, templates_dir=s.settings.templates_dir)
    if out is not None:
        out.write_bytes(content)
        console.print(f"wrote {out} ({len(content):,} bytes)")
    elif fmt == "pdf":
        raise InputError([Problem("report", None, "--out", "a PDF report needs --out FILE")])
    else:
        click.echo(content.decode(), nl=False)


def print_report(s: bootstrap.Services, campaign_key: str) -> None:
    """The report as a table on the terminal, with the overall figures below."""
    from responses.publish import build_report

    with s.db.unit_of_work(write=False) as uow:
        data = build_report(uow, campaign_key, clock=s.clock, settings=s.settings)
    table = Table(
        "addressee",
        "letter",
        "delivery",
        "status",
        "due",
        "days",
        "stance",
        "summary",
        title=f"Responses: {campaign_key}",
    )
    for r in data.rows:
        table.add_row(
            r.addressee_key,
            r.letter_status,
            r.delivery,
            r.status,
            r.due_on.isoformat() if r.due_on else "",
            "" if r.days_to_answer is None else f"{r.days_to_answer:g}",
            r.stance,
            r.summary[:60],
        )
    console.print(table)
    answered = sum(r.status == "responded" for r in data.rows)
    delivered = sum(r.delivered_at is not None for r in data.rows)
    console.print(f"{len(data.rows)} addressees, {delivered} delivered, {answered} answered")
    console.print(f"response rate: {data.overall.describe()}")


def print_league(s: bootstrap.Services) -> None:
    from responses.publish import league_rows

    with s.db.unit_of_work(write=False) as uow:
        rows = league_rows(uow, clock=s.clock, settings=s.settings)
    table = Table("#", "addressee", "campaigns", "answered", "median days", title="League")
    for rank, row in enumerate(rows, start=1):
        median = "" if row.median_days is None else f"{row.median_days:g}"
        table.add_row(str(rank), row.addressee_key, str(row.campaigns), str(row.answered), median)
    console.print(table)
