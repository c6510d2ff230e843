"""Commands for campaigns (appeal files), their targets and their webhook secret.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import console, handled, main, services

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bootstrap import Services
    from storage.tables import Campaign


@main.group()
def campaign() -> None:
    """Appeals (campaigns) defined in YAML files."""


@campaign.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@handled
def campaign_create(file: Path) -> None:
    """Create a campaign from an appeal file (see examples/)."""
    from campaigns.appeal import load_appeal
    from campaigns.store import create_campaign

    s = services()
    appeal = load_appeal(file)
    with s.db.unit_of_work() as uow:
        row, created = create_campaign(uow, appeal, actor=s.actor, clock=s.clock)
        console.print(f"{'created' if created else 'unchanged'}: campaign {row.key} v{row.version}")
        _warn_past_dated(uow, row, s)
        _print_findings(uow, row)


@campaign.command("update")
@click.argument("file", type=click.Path(path_type=Path))
@handled
def campaign_update(file: Path) -> None:
    """Store a new version of an existing campaign's appeal."""
    from campaigns.appeal import load_appeal
    from campaigns.store import update_campaign

    s = services()
    appeal = load_appeal(file)
    with s.db.unit_of_work() as uow:
        row = update_campaign(uow, appeal, actor=s.actor, clock=s.clock)
        console.print(f"campaign {row.key} is at version {row.version}")
        _warn_past_dated(uow, row, s)
        _print_findings(uow, row)


def _warn_past_dated(uow: Session, campaign: Campaign, s: Services) -> None:
    """Say which dated milestones are already past, and what the next check will do."""
    from campaigns.milestones import past_dated

    late = "fires it late, whatever the count then"
    if s.missed_policy.action == "report":
        late = "records it as missed (ADVOCACY_MISSED_MILESTONES=report); it never fires"
    for milestone in past_dated(uow, campaign, s.clock.now()):
        when = f"{milestone.due_at:%Y-%m-%d %H:%M} UTC"
        console.print(f"warning: milestone {milestone.key} was due {when}: the next check {late}")


@campaign.command("targets")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def campaign_targets(campaign_key: str) -> None:
    """Show whom the appeal targets now, with a warning for each surprise."""
    from campaigns.store import appeal_of, get_campaign
    from recipients.selection import resolve

    with services().db.unit_of_work(write=False) as uow:
        appeal = appeal_of(get_campaign(uow, campaign_key))
        targeted = resolve(uow, appeal.targets)
        table = Table("key", "name", "category", "country", "languages", "letter in", "why")
        for a in targeted.addressees:
            language, why = appeal.language_choice(a.languages.split(";"), key=a.key)
            table.add_row(a.key, a.name, a.category, a.country, a.languages, language, why)
    console.print(table)
    console.print(f"{len(targeted.addressees)} addressees")
    for warning in targeted.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


@campaign.command("check")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def campaign_check(campaign_key: str) -> None:
    """Look for what would make letters wrong: placeholder domains and "(example)" strings,
    targeted addressees without a text in any of their languages or without a channel, an
    office without its holder. Exit status 1 when there are findings; approving a batch of the
    campaign then needs --despite-findings."""
    from campaigns.store import get_campaign

    with services().db.unit_of_work(write=False) as uow:
        count = _print_findings(uow, get_campaign(uow, campaign_key))
    if count:
        raise SystemExit(1)
    console.print("no findings")


def _print_findings(uow: Session, campaign: Campaign) -> int:
    from campaigns.store import appeal_of
    from letters.check import check_campaign

    findings = check_campaign(uow, appeal_of(campaign))
    for finding in findings:
        console.print(f"[yellow]finding:[/yellow] {finding}", highlight=False)
    return len(findings)


@campaign.command("secret")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def campaign_secret(campaign_key: str) -> None:
    """Give the campaign a new signature-webhook secret and print it once (the previous secret
    stops working). The platform signs each call with it; see campaigns/webhook.py."""
    from campaigns.webhook import new_webhook_secret

    s = services()
    with s.db.unit_of_work() as uow:
        secret = new_webhook_secret(uow, campaign_key, actor=s.actor, clock=s.clock)
    click.echo(secret)
    click.echo("shown once: store it in the petition platform's webhook settings", err=True)


@campaign.command("history")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("addressee_key", metavar="ADDRESSEE")
@handled
def campaign_history(campaign_key: str, addressee_key: str) -> None:
    """Show one addressee's whole thread in the campaign: every letter (batch, kind, revision),
    every delivery and every answer with the batch it is credited to, oldest first."""
    from campaigns.thread_history import history

    with services().db.unit_of_work(write=False) as uow:
        found = history(uow, campaign_key, addressee_key)
        table = Table("when (UTC)", "batch", "event", "details")
        for e in found.events:
            batch = "" if e.batch is None else str(e.batch)
            table.add_row(f"{e.at:%Y-%m-%d %H:%M}", batch, e.what, e.text)
        title = f"{found.addressee.name} · {found.campaign.title}"
    console.print(title)
    console.print(table)


@campaign.command("list")
@handled
def campaign_list() -> None:
    """Every campaign: key, title, version, latest signature count, batches, public page."""
    from sqlalchemy import func, select

    from campaigns.batches import latest_count
    from storage.tables import Batch, Campaign

    with services().db.unit_of_work(write=False) as uow:
        query = select(Batch.campaign_id, func.count(Batch.id)).group_by(Batch.campaign_id)
        batches = {int(row[0]): int(row[1]) for row in uow.execute(query)}
        table = Table("key", "title", "version", "signatures", "batches", "public page")
        for c in uow.scalars(select(Campaign).order_by(Campaign.key)):
            snapshot = latest_count(uow, c.id)
            table.add_row(
                c.key,
                c.title,
                str(c.version),
                f"{snapshot.count:,}" if snapshot else "0",
                str(batches.get(c.id, 0)),
                "on" if c.public_page else "off",
            )
    console.print(table)
    console.print(f"{table.row_count} campaigns")


@campaign.command("show")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def campaign_show(campaign_key: str) -> None:
    """One campaign: its appeal (languages, targets, sender), milestones and batches."""
    from campaigns.batches import batches_of
    from campaigns.goals import standing
    from campaigns.store import appeal_of, get_campaign

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        row = get_campaign(uow, campaign_key)
        appeal = appeal_of(row)
        state = standing(uow, campaign_key, clock=s.clock)
        batches = batches_of(uow, row.id)
        console.print(f"[bold]{row.key}[/bold] v{row.version}: {row.title}", soft_wrap=True)
        console.print(
            f"created {row.created_at:%Y-%m-%d %H:%M} UTC; petition {appeal.petition_url}"
        )
        console.print(
            f"languages: {', '.join(appeal.languages)} (default {appeal.default_language}); "
            f"sender: {appeal.sender.organisation}; public page: "
            f"{'on' if row.public_page else 'off'}; webhook: "
            f"{'on' if row.webhook_secret else 'off'}"
        )
        console.print(f"signatures: {state.count:,}")
        table = Table("milestone", "trigger", "status", "batch")
        for view in state.milestones:
            table.add_row(
                view.milestone.key, view.milestone.describe(), view.status, str(view.batch_id or "")
            )
        console.print(table)
        listing = Table("batch", "reason", "signatures", "created (UTC)")
        for b in batches:
            listing.add_row(
                str(b.id), b.reason, f"{b.signature_count:,}", f"{b.created_at:%Y-%m-%d %H:%M}"
            )
        console.print(listing)
