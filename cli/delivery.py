"""Commands for delivery, replies, the response report and the audit log."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

import click
from rich.table import Table

import bootstrap
from campaigns.store import get_campaign
from cli.base import console, handled, main, services
from cli.outbox import drain_with_progress
from delivery.outbox import enqueue
from errors import NotFound
from responses.inbound import import_message
from responses.report import response_report
from review.trail import describe, trail


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--dry-run", is_flag=True, help="Show what would be queued; send nothing.")
@handled
def deliver(campaign_key: str, dry_run: bool) -> None:
    """Queue the campaign's approved letters and deliver everything due."""
    s = services()
    with s.db.unit_of_work() as uow:
        report = enqueue(uow, get_campaign(uow, campaign_key), actor=s.actor, clock=s.clock)
        if dry_run:
            uow.rollback()
    console.print(
        f"{'would queue' if dry_run else 'queued'} {len(report.queued)}, "
        f"already queued {len(report.already)}, "
        f"not approved {len(report.not_approved)}"
    )
    for key in report.no_channel:
        console.print(f"  {key}: [yellow]no contact channel[/yellow] (email); not delivered")
    if not dry_run:
        _drain(s)


def _drain(s: bootstrap.Services) -> None:
    outcome = drain_with_progress(s)
    console.print(f"delivery: {outcome.describe()}")
    if s.transport.name == "maildir" and outcome.done.get("written"):
        console.print(f"outbox (Maildir, not sent): {s.settings.outbox_dir}")


@main.command()
@handled
def worker() -> None:
    """Deliver every due outbox row once (retries that are not yet due wait)."""
    _drain(services())


@main.group()
def responses() -> None:
    """Replies from addressees."""


def _messages(path: Path) -> Iterator[bytes]:
    if path.is_dir() and (path / "cur").is_dir():
        yield from (m.as_bytes() for m in mailbox.Maildir(path, create=False))
    elif path.suffix == ".mbox":
        yield from (m.as_bytes() for m in mailbox.mbox(path, create=False))
    elif path.is_dir():
        for file in sorted(path.glob("*.eml")):
            yield file.read_bytes()
    elif path.is_file():
        yield path.read_bytes()
    else:
        raise NotFound(f"{path} is not an .eml file, an .mbox file or a Maildir")


@responses.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@handled
def responses_import(path: Path) -> None:
    """Import replies from an .eml file, a folder of .eml files, an .mbox or a Maildir."""
    s = services()
    counts: dict[str, int] = {}
    for raw in _messages(path):
        with s.db.unit_of_work() as uow:
            result = import_message(
                uow,
                raw,
                identities=s.identities,
                raw_dir=s.settings.data_dir / "inbound",
                actor=s.actor,
                clock=s.clock,
            )
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()) or "no messages found")


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def report(campaign_key: str) -> None:
    """Who was written to, how it went out, and who answered how fast."""
    print_report(services(), campaign_key)


def print_report(s: bootstrap.Services, campaign_key: str) -> None:
    with s.db.unit_of_work(write=False) as uow:
        rows = response_report(uow, get_campaign(uow, campaign_key))
    table = Table(
        "addressee",
        "letter",
        "delivery",
        "status",
        "days",
        "summary",
        title=f"Responses: {campaign_key}",
    )
    for r in rows:
        table.add_row(
            r.addressee_key,
            r.letter_status,
            r.delivery,
            r.status,
            "" if r.days_to_answer is None else f"{r.days_to_answer:g}",
            r.summary[:60],
        )
    console.print(table)
    answered = sum(r.status == "responded" for r in rows)
    delivered = sum(r.delivered_at is not None for r in rows)
    console.print(f"{len(rows)} addressees, {delivered} delivered, {answered} answered")


@main.command()
@click.option("--campaign", "campaign_key", help="Only this campaign.")
@click.option("--addressee", "addressee_key", help="Only the letters to this addressee (key).")
@click.option("--letter", "letter_id", type=int, help="Only this letter.")
@handled
def audit(campaign_key: str | None, addressee_key: str | None, letter_id: int | None) -> None:
    """The audit log: who did what, when, with which bytes. With --addressee or --letter, the
    trail of those letters: render → approval (who, when, sha256) → delivery (state,
    Message-ID, sha256 sent)."""
    s = services()
    with s.db.unit_of_work(write=False) as uow:
        cid = get_campaign(uow, campaign_key).id if campaign_key else None
        entries = trail(uow, campaign_id=cid, addressee_key=addressee_key, letter_id=letter_id)
    for entry in entries:
        click.echo("\n".join(describe(entry)))
    if not entries:
        click.echo("the audit log has no entries yet")
