"""Commands for signatures: set the count, import a signer export, purge personal data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from cli.base import console, handled, main, services
from cli.lazy import LazyChoice, LazyHelpOption, constant
from timeutil import as_utc

if TYPE_CHECKING:  # service modules load inside the commands (cli.lazy)
    from campaigns.signatures import CountOutcome


@main.group()
def signatures() -> None:
    """Signature counts and signers (milestones fire from here)."""


def _report(campaign_key: str, outcome: CountOutcome) -> None:
    console.print(f"{campaign_key}: {outcome.previous:,} → {outcome.current:,} signatures")
    for fired in outcome.fired:
        console.print(f"milestone {fired.key} fired: {fired.why}", soft_wrap=True)
    if outcome.batch is not None:
        console.print(
            f"batch {outcome.batch.id} created; render it with 'advocacy render {campaign_key}'"
        )


def _presets() -> str:
    from campaigns.presets import describe_presets

    return describe_presets()


def _fields() -> str:
    from campaigns.signers import FIELDS

    return ", ".join(FIELDS)


@signatures.command("set")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("count", type=click.IntRange(min=0))
@click.option("--as-of", type=click.DateTime(), help="When the count was read (UTC).")
@click.option("--correct", is_flag=True, help="Allow a lower count (needs --reason); audited.")
@click.option("--reason", default="", help="Why the count is corrected (with --correct).")
@handled
def signatures_set(
    campaign_key: str, count: int, as_of: datetime | None, correct: bool, reason: str
) -> None:
    """Record the signature count; crossing a milestone creates a delivery batch. Counts only
    go up, except a --correct with a --reason (fired milestones stay fired)."""
    if correct and not reason.strip():
        raise click.UsageError("--correct needs --reason TEXT")
    from campaigns.signatures import set_count

    s = services()
    with s.db.unit_of_work() as uow:
        outcome = set_count(
            uow,
            campaign_key,
            count,
            as_of=as_of and as_utc(as_of),
            source="correction" if correct else "manual",
            identities=s.identities,
            actor=s.actor,
            clock=s.clock,
            correction=reason if correct else None,
            policy=s.missed_policy,
        )
    _report(campaign_key, outcome)


@signatures.command("import")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    type=LazyChoice(constant("campaigns.presets:PRESETS")),
    default="generic",
    show_default=True,
    cls=LazyHelpOption,
    lazy_help=lambda: f"Column names of the export (case-insensitive): {_presets()}.",
)
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="COLUMN=FIELD",
    cls=LazyHelpOption,
    lazy_help=lambda: f"Map a column to a field ({_fields()}) or 'ignore'; repeatable.",
)
@handled
def signatures_import(campaign_key: str, file: Path, preset: str, pairs: tuple[str, ...]) -> None:
    """Import a signer export (CSV, comma or semicolon, UTF-8 with or without BOM): all rows or
    none. Emails are keyed, never stored; the count rises by the signers not seen before."""
    from campaigns.presets import mapping_for, parse_overrides
    from campaigns.signer_import import import_signers

    s = services()
    overrides = parse_overrides(pairs)
    columns = [BarColumn(), DownloadColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        with s.db.unit_of_work() as uow:
            outcome = import_signers(
                uow,
                campaign_key,
                file,
                mapping=mapping_for(preset, overrides),
                overrides=overrides,
                keys=s.email_keys,
                recorder=s.recorder(),
                progress=progress,
                source=f"csv:{preset}"[:40],
            )
            count = outcome.count
    console.print(
        f"{outcome.rows:,} rows: {outcome.new:,} new signers, "
        f"{outcome.duplicates:,} already known (in the file or stored before)"
    )
    if outcome.ignored_columns:
        console.print(f"columns not imported: {', '.join(outcome.ignored_columns)}")
    _report(campaign_key, count)


@signatures.command("purge")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option(
    "--before",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="Purge signers who signed before this date (UTC midnight).",
)
@handled
def signatures_purge(campaign_key: str, before: datetime) -> None:
    """Delete the personal data (name, city, country) of signers who signed before DATE; their
    count and de-duplication key stay. Audited."""
    from campaigns.signers import purge_personal_data

    s = services()
    with s.db.unit_of_work() as uow:
        purged = purge_personal_data(
            uow, campaign_key, before=before.replace(tzinfo=UTC), actor=s.actor, clock=s.clock
        )
    console.print(f"{campaign_key}: personal data of {purged:,} signers purged")
