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
    from campaigns.check import check_campaign
    from campaigns.store import appeal_of

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
