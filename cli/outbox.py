"""``advocacy outbox``: list outbox rows, retry or cancel them; the drain progress bar.

Rule: commands change rows only through ``delivery.intervene`` (audited, refusing rows a
worker holds or that went out); the worker does any sending, never these commands.
"""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

import bootstrap
from cli.base import console, handled, main, services
from delivery.intervene import cancel, retry_now
from delivery.queries import STATES, count_due, outbox_rows
from delivery.worker import DrainReport


@main.group()
def outbox() -> None:
    """The outbox: what is queued, retrying, sent or failed; retry or cancel rows."""


@outbox.command("list")
@click.option("--state", type=click.Choice(STATES), help="Only rows in this state.")
@click.option("--campaign", "campaign_key", help="Only this campaign's rows.")
@click.option("--limit", default=500, show_default=True, help="At most this many rows.")
@handled
def outbox_list(state: str | None, campaign_key: str | None, limit: int) -> None:
    """Outbox rows, oldest first: id, campaign, addressee, channel, state, attempts, error."""
    s = services()
    with s.db.unit_of_work(write=False) as uow:
        rows = outbox_rows(uow, state=state, campaign_key=campaign_key, limit=limit)
    for r in rows:
        due = f" next {r.next_attempt_at:%Y-%m-%d %H:%M}" if r.state == "retry_wait" else ""
        error = f"  {r.last_error}" if r.last_error else ""
        click.echo(
            f"{r.id}\t{r.campaign}\t{r.addressee}\t{r.channel}\t{r.recipient}\t"
            f"{r.state} (attempts {r.attempts}){due}{error}"
        )
    if not rows:
        click.echo("no outbox rows match")


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="ID…")
@click.option("--reason", default="", help="Recorded in the audit log.")
@handled
def outbox_retry(ids: tuple[int, ...], reason: str) -> None:
    """Queue waiting, failed or cancelled deliveries now (same Message-ID, same bytes)."""
    s = services()
    with s.db.unit_of_work() as uow:
        for delivery_id in ids:
            retry_now(uow, delivery_id, actor=s.actor, clock=s.clock, reason=reason)
    click.echo(f"queued again: {', '.join(map(str, ids))} (run `advocacy worker` to send)")


@outbox.command("cancel")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="ID…")
@click.option("--reason", required=True, help="Why; recorded in the audit log.")
@handled
def outbox_cancel(ids: tuple[int, ...], reason: str) -> None:
    """Cancel deliveries that have not gone out (all or none; audited with --reason)."""
    s = services()
    with s.db.unit_of_work() as uow:
        for delivery_id in ids:
            cancel(uow, delivery_id, actor=s.actor, clock=s.clock, reason=reason)
    click.echo(f"cancelled: {', '.join(map(str, ids))}")


def drain_with_progress(s: bootstrap.Services) -> DrainReport:
    """Drain every due delivery, showing a progress bar on a terminal."""
    with s.db.unit_of_work(write=False) as uow:
        total = count_due(uow, s.clock.now())
    columns = (TextColumn("delivering"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True, disable=total == 0) as bar:
        task = bar.add_task("deliver", total=total)
        return s.worker().drain_sync(progress=lambda _state: bar.advance(task))
