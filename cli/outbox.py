"""``advocacy outbox``: list outbox rows, retry or cancel them, channel checks; the drain
progress bar.

Rule: commands change rows only through ``delivery.intervene``, ``delivery.postal`` and
``recipients.checks`` (audited, refusing rows a worker holds or that went out); the worker does
any sending, never these commands.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from cli.base import console, handled, main, services
from cli.lazy import LazyChoice, constant

if TYPE_CHECKING:  # service modules load inside the commands (cli.lazy)
    import bootstrap
    from delivery.drain_report import DrainReport
    from delivery.queries import OutboxRow


@main.group()
def outbox() -> None:
    """The outbox: what is queued, retrying, sent or failed; retry or cancel rows."""


@outbox.command("list")
@click.option(
    "--state", type=LazyChoice(constant("delivery.queries:STATES")), help="Only rows in this state."
)
@click.option("--campaign", "campaign_key", help="Only this campaign's rows.")
@click.option("--limit", default=500, show_default=True, help="At most this many rows.")
@handled
def outbox_list(state: str | None, campaign_key: str | None, limit: int) -> None:
    """Outbox rows, oldest first: id, campaign, addressee, channel, state, attempts, error."""
    from delivery.queries import outbox_rows

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        rows = outbox_rows(uow, state=state, campaign_key=campaign_key, limit=limit)
    now = s.clock.now()
    for r in rows:
        due = _when(r, now)
        error = f"  {r.last_error}" if r.last_error else ""
        click.echo(
            f"{r.id}\t{r.campaign}\t{r.addressee}\t{r.channel}\t{r.recipient}\t"
            f"{r.state} (attempts {r.attempts}){due}{error}"
        )
    if not rows:
        click.echo("no outbox rows match")


def _when(row: OutboxRow, now: datetime) -> str:
    """When a waiting row is next due, or when a sending row's lease ends (or ended)."""
    from delivery.states import State

    if row.state == State.RETRY_WAIT and row.next_attempt_at is not None:
        return f" next {row.next_attempt_at:%Y-%m-%d %H:%M}"
    if row.state == State.QUEUED and row.next_attempt_at is not None and row.next_attempt_at > now:
        return f" from {row.next_attempt_at:%Y-%m-%d %H:%M} (sending window)"
    if row.state == State.SENDING and row.lease_until is not None:
        if row.lease_until < now:
            return f" lease expired {row.lease_until:%Y-%m-%d %H:%M:%S} (its worker died)"
        return f" lease until {row.lease_until:%Y-%m-%d %H:%M:%S}"
    return ""


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True, metavar="ID…")
@click.option("--reason", default="", help="Recorded in the audit log.")
@handled
def outbox_retry(ids: tuple[int, ...], reason: str) -> None:
    """Queue waiting, failed, cancelled or held deliveries, or ones whose worker died (lease
    expired), now (same Message-ID, same bytes)."""
    from delivery.intervene import retry_now

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
    """Cancel deliveries that have not gone out, held ones and ones whose lease expired
    (all or none; audited with --reason)."""
    from delivery.intervene import cancel

    s = services()
    with s.db.unit_of_work() as uow:
        for delivery_id in ids:
            cancel(uow, delivery_id, actor=s.actor, clock=s.clock, reason=reason)
    click.echo(f"cancelled: {', '.join(map(str, ids))}")


@outbox.command("print")
@click.argument("batch_id", type=int, metavar="BATCH")
@handled
def outbox_print(batch_id: int) -> None:
    """Write the batch's postal letters as one merged PDF plus a CSV manifest (data dir)."""
    from delivery.postal import print_batch

    s = services()
    with s.db.unit_of_work() as uow:
        made = print_batch(
            uow,
            batch_id,
            documents_dir=s.settings.documents_dir,
            out_dir=s.settings.print_dir,
            actor=s.actor,
            clock=s.clock,
        )
    click.echo(f"{len(made.delivery_ids)} letter(s), {made.pages} page(s): {made.pdf}")
    click.echo(f"manifest: {made.manifest}")


@outbox.command("posted")
@click.argument("delivery_id", type=int, metavar="ID")
@click.option("--date", "posted_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--tracking", default="", help="The postal tracking number, if any.")
@handled
def outbox_posted(delivery_id: int, posted_on: datetime, tracking: str) -> None:
    """Mark a printed letter as posted on --date (YYYY-MM-DD); the delivery is then sent."""
    from delivery.postal import mark_posted

    s = services()
    with s.db.unit_of_work() as uow:
        mark_posted(
            uow,
            delivery_id,
            posted_on=posted_on.date(),
            tracking=tracking,
            actor=s.actor,
            clock=s.clock,
        )
    click.echo(f"delivery {delivery_id}: sent by post on {posted_on:%Y-%m-%d}")


@outbox.command("task")
@click.argument("delivery_id", type=int, metavar="ID")
@handled
def outbox_task(delivery_id: int) -> None:
    """Show a web-form task: the form's address and the approved letter's text to paste."""
    from delivery.postal import form_task

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        task = form_task(uow, delivery_id, documents_dir=s.settings.documents_dir)
    click.echo(f"form for {task.addressee}: {task.form_url}\n\n{task.text}")


@outbox.command("done")
@click.argument("delivery_id", type=int, metavar="ID")
@click.option("--receipt", default="", help="The form's confirmation number, if any.")
@handled
def outbox_done(delivery_id: int, receipt: str) -> None:
    """Mark a web-form task done (submitted by hand); the delivery is then sent."""
    from delivery.postal import mark_done

    s = services()
    with s.db.unit_of_work() as uow:
        mark_done(uow, delivery_id, receipt=receipt, actor=s.actor, clock=s.clock)
    click.echo(f"delivery {delivery_id}: sent through the web form")


@outbox.group("checks", invoke_without_command=True)
@click.option("--all", "include_cleared", is_flag=True, help="Cleared checks too.")
@click.pass_context
@handled
def outbox_checks(ctx: click.Context, include_cleared: bool) -> None:
    """Channels flagged after a permanent bounce: addressee, channel, address, bounce reason,
    date; `checks clear ADDRESSEE` once the address is fixed or confirmed."""
    if ctx.invoked_subcommand is not None:
        return
    from recipients.checks import channel_checks

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        rows = channel_checks(uow, include_cleared=include_cleared)
    for r in rows:
        cleared = f"  cleared {r.cleared_at:%Y-%m-%d}" if r.cleared_at else ""
        click.echo(
            f"{r.addressee}\t{r.channel}\t{r.address}\tflagged {r.flagged_at:%Y-%m-%d %H:%M}"
            f" (delivery {r.delivery_id})\t{r.reason}{cleared}"
        )
    if not rows:
        click.echo("no channel is flagged for checking")


@outbox_checks.command("clear")
@click.argument("addressee_key", metavar="ADDRESSEE")
@click.option(
    "--channel",
    type=LazyChoice(constant("bootstrap:CHANNELS")),
    default="email",
    show_default=True,
    help="The flagged channel.",
)
@click.option(
    "--reason", default="", help="What was fixed or confirmed; recorded in the audit log."
)
@handled
def outbox_checks_clear(addressee_key: str, channel: str, reason: str) -> None:
    """Clear the addressee's open check on --channel (audited); the registry edit, if the
    address was wrong, is a separate step (`recipients import --update` or the web app)."""
    from recipients.checks import clear_check

    s = services()
    with s.db.unit_of_work() as uow:
        n = clear_check(
            uow, addressee_key, channel=channel, actor=s.actor, clock=s.clock, reason=reason
        )
    click.echo(f"{addressee_key}: {n} {channel} check(s) cleared")


def drain_with_progress(s: bootstrap.Services) -> DrainReport:
    """Drain every due delivery, showing a progress bar on a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from delivery.queries import count_due

    with s.db.unit_of_work(write=False) as uow:
        total = count_due(uow, s.clock.now(), s.channels.automatic())
    columns = (TextColumn("delivering"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True, disable=total == 0) as bar:
        task = bar.add_task("deliver", total=total)
        return s.worker().drain_sync(progress=lambda _state: bar.advance(task))
