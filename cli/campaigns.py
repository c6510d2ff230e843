"""Commands for campaigns (appeal files), their targets, and signature counts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from campaigns.appeal import load_appeal
from campaigns.signatures import set_count
from campaigns.store import appeal_of, create_campaign, get_campaign, update_campaign
from cli.base import console, handled, main, services
from recipients.selection import resolve
from timeutil import as_utc


@main.group()
def campaign() -> None:
    """Appeals (campaigns) defined in YAML files."""


@campaign.command("create")
@click.argument("file", type=click.Path(path_type=Path))
@handled
def campaign_create(file: Path) -> None:
    """Create a campaign from an appeal file (see examples/)."""
    s = services()
    appeal = load_appeal(file)
    with s.db.unit_of_work() as uow:
        row, created = create_campaign(uow, appeal, actor=s.actor, clock=s.clock)
    console.print(f"{'created' if created else 'unchanged'}: campaign {row.key} v{row.version}")


@campaign.command("update")
@click.argument("file", type=click.Path(path_type=Path))
@handled
def campaign_update(file: Path) -> None:
    """Store a new version of an existing campaign's appeal."""
    s = services()
    appeal = load_appeal(file)
    with s.db.unit_of_work() as uow:
        row = update_campaign(uow, appeal, actor=s.actor, clock=s.clock)
    console.print(f"campaign {row.key} is at version {row.version}")


@campaign.command("targets")
@click.argument("campaign_key", metavar="CAMPAIGN")
@handled
def campaign_targets(campaign_key: str) -> None:
    """Show whom the appeal targets now, with a warning for each surprise."""
    with services().db.unit_of_work(write=False) as uow:
        targeted = resolve(uow, appeal_of(get_campaign(uow, campaign_key)).targets)
        table = Table("key", "name", "category", "country", "languages")
        for a in targeted.addressees:
            table.add_row(a.key, a.name, a.category, a.country, a.languages)
    console.print(table)
    console.print(f"{len(targeted.addressees)} addressees")
    for warning in targeted.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


@main.group()
def signatures() -> None:
    """Signature counts (milestones fire from here)."""


@signatures.command("set")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("count", type=click.IntRange(min=0))
@click.option("--as-of", type=click.DateTime(), help="When the count was read (UTC).")
@handled
def signatures_set(campaign_key: str, count: int, as_of: datetime | None) -> None:
    """Record the signature count; crossing a milestone creates a delivery batch."""
    s = services()
    with s.db.unit_of_work() as uow:
        outcome = set_count(
            uow,
            campaign_key,
            count,
            as_of=as_of and as_utc(as_of),
            source="manual",
            identities=s.identities,
            actor=s.actor,
            clock=s.clock,
        )
        batch_id = outcome.batch.id if outcome.batch else None
    console.print(f"{campaign_key}: {outcome.previous:,} → {outcome.current:,} signatures")
    if batch_id is not None:
        console.print(
            f"milestone reached: batch {batch_id} created; render it with "
            f"'advocacy render {campaign_key}'"
        )
