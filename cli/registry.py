"""Commands for the registry, campaigns and signature counts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.table import Table

from campaigns.appeal import load_appeal
from campaigns.signatures import set_count
from campaigns.store import create_campaign, update_campaign
from cli.base import console, handled, main, services
from recipients import registry
from timeutil import as_utc


@main.group()
def recipients() -> None:
    """The addressee registry."""


@recipients.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--update", is_flag=True, help="Change existing addressees (history is kept).")
@handled
def recipients_import(file: Path, dry_run: bool, update: bool) -> None:
    """Import addressees from a CSV (comma or semicolon), YAML or JSON file, all or nothing."""
    s = services()
    records = registry.read_file(file)
    with s.db.unit_of_work() as uow:
        report = registry.import_records(
            uow, records, source_name=str(file), update=update, actor=s.actor, clock=s.clock
        )
        if dry_run:
            uow.rollback()
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{verb} {file}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged"
    )


@recipients.command("list")
@click.option("--category", help="Only this category, e.g. foreign-ministry.")
@click.option("--country", help="Only this ISO country code, e.g. LT.")
@handled
def recipients_list(category: str | None, country: str | None) -> None:
    """List addressees with their languages and contact channel."""
    s = services()
    table = Table("key", "name", "category", "country", "languages", "channel")
    with s.db.unit_of_work(write=False) as uow:
        for a in registry.list_addressees(uow, category=category, country=country):
            channel = (
                a.email
                or ("postal" if a.postal_address else "")
                or ("web form" if a.web_form else "[yellow]no contact channel[/yellow]")
            )
            table.add_row(a.key, a.name, a.category, a.country, a.languages, channel)
    console.print(table)


@recipients.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "yaml", "json"]), default="csv", show_default=True
)
@handled
def recipients_export(fmt: str) -> None:
    """Write the registry to stdout in a form `recipients import` reads back unchanged."""
    with services().db.unit_of_work(write=False) as uow:
        click.echo(registry.export(registry.list_addressees(uow), fmt), nl=False)


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
