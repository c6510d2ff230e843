"""The ``advocacy`` command line.

Rule: commands parse arguments, call one service function per step through ``bootstrap``, and
print; an ``AdvocacyError`` becomes a clear message and exit status 1, never a traceback.
"""

from __future__ import annotations

import functools
import mailbox
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

import bootstrap
from campaigns.appeal import load_appeal
from campaigns.batches import batches_of, create_batch
from campaigns.signatures import set_count
from campaigns.store import create_campaign, get_campaign, update_campaign
from delivery.outbox import enqueue
from errors import AdvocacyError, NotFound
from letters.service import render_batch
from recipients import registry
from responses.inbound import import_message
from responses.report import response_report
from review import queue
from storage import audit as audit_log
from timeutil import as_utc

console = Console(highlight=False)
F = TypeVar("F", bound=Callable[..., Any])


def services() -> bootstrap.Services:
    ctx = click.get_current_context()
    built = ctx.find_object(bootstrap.Services)
    if built is None:
        built = bootstrap.build()
        ctx.obj = built
        ctx.call_on_close(built.close)
    return built


def handled(fn: F) -> F:
    """Turn ``AdvocacyError`` into a message on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AdvocacyError as exc:
            Console(stderr=True, highlight=False).print(f"[red]error:[/red] {exc}", markup=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Advocacy letters: a registry of addressees, signed-appeal PDFs rendered per addressee,
    milestone-triggered deliveries after staff review, and response tracking.

    Settings come from ADVOCACY_* environment variables or .env (see .env.example).
    """


@main.command()
@handled
def init() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    s = services()
    s.migrate()
    console.print(f"database ready: {s.settings.database_url}")


@main.command()
@handled
def demo() -> None:
    """Run the whole path on the bundled example: registry → milestone → PDFs → review →
    delivery → a reply → report. Running it again changes nothing."""
    from demo import run_demo

    run_demo(services(), console)


# --- recipients -------------------------------------------------------------------------------


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


# --- campaigns and signatures ---------------------------------------------------------------


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


# --- rendering and review -------------------------------------------------------------------


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--batch", "batch_id", type=int, help="Render this batch (default: all pending).")
@click.option("--new-batch", is_flag=True, help="Start a batch by hand at the current count.")
@click.option("--out", type=click.Path(path_type=Path), help="Also copy the PDFs here.")
@handled
def render(campaign_key: str, batch_id: int | None, new_batch: bool, out: Path | None) -> None:
    """Render the pending letters of a campaign (PDF and email) and queue them for review."""
    s = services()
    with s.db.unit_of_work() as uow:
        row = get_campaign(uow, campaign_key)
        if new_batch:
            create_batch(
                uow, row, reason="manual", identities=s.identities, actor=s.actor, clock=s.clock
            )
        ids = [b.id for b in batches_of(uow, row.id) if batch_id in (None, b.id)]
    if batch_id is not None and not ids:
        raise NotFound(f"campaign {campaign_key} has no batch {batch_id}")
    for bid in ids:
        summary = render_batch(
            s.db,
            bid,
            renderers=s.renderers,
            identities=s.identities,
            documents_dir=s.settings.documents_dir,
            actor=s.actor,
            clock=s.clock,
        )
        for path in summary.files:
            if out is not None and path.suffix == ".pdf":
                out.mkdir(parents=True, exist_ok=True)
                (out / path.name).write_bytes(path.read_bytes())
        if summary.rendered:
            console.print(
                f"batch {bid}: rendered {summary.rendered} letter(s) into "
                f"{s.settings.documents_dir / campaign_key / f'batch-{bid}'}"
            )
    if not ids:
        console.print("no batches yet: reach a milestone or use --new-batch")


@main.group()
def review() -> None:
    """Staff review: approve the exact bytes before anything is delivered."""


@review.command("list")
@click.option("--campaign", "campaign_key", help="Only this campaign.")
@click.option("--batch", "batch_id", type=int, help="Only this batch.")
@click.option(
    "--status",
    default="review",
    show_default=True,
    type=click.Choice(["review", "approved", "rejected", "pending"]),
)
@handled
def review_list(campaign_key: str | None, batch_id: int | None, status: str) -> None:
    """List letters awaiting review (or in another status) with their PDF paths."""
    s = services()
    table = Table("letter", "batch", "addressee", "lang", "pdf", "sha256")
    with s.db.unit_of_work(write=False) as uow:
        row = get_campaign(uow, campaign_key) if campaign_key else None
        items = queue.queue(uow, campaign=row, batch_id=batch_id, status=status)
    for item in items:
        pdf = item.documents.get("pdf")
        table.add_row(
            str(item.letter.id),
            str(item.batch.id),
            item.addressee.key,
            item.letter.language,
            str(s.settings.documents_dir / pdf.path) if pdf else "-",
            pdf.sha256[:12] if pdf else "-",
        )
    console.print(table if items else f"no letters in status {status!r}")


@review.command("approve")
@click.argument("letter_ids", nargs=-1, type=int)
@click.option("--batch", "batch_id", type=int, help="Approve every letter awaiting review here.")
@click.option("--comment", default="", help="Optional note kept with the approval.")
@handled
def review_approve(letter_ids: tuple[int, ...], batch_id: int | None, comment: str) -> None:
    """Approve letters by id, or a whole batch; the sha256 of each document is recorded."""
    s = services()
    with s.db.unit_of_work() as uow:
        ids = list(letter_ids) + (queue.letters_in_review(uow, batch_id) if batch_id else [])
        if not ids:
            raise NotFound("nothing to approve: give letter ids or --batch with letters in review")
        approved = queue.approve(uow, ids, reviewer=s.actor, clock=s.clock, comment=comment)
    console.print(f"approved {len(approved)} letter(s)")


@review.command("reject")
@click.argument("letter_ids", nargs=-1, type=int, required=True)
@click.option("--comment", required=True, help="What must change before it can go.")
@handled
def review_reject(letter_ids: tuple[int, ...], comment: str) -> None:
    """Reject letters; they stay out of the outbox."""
    s = services()
    with s.db.unit_of_work() as uow:
        rejected = queue.reject(uow, letter_ids, reviewer=s.actor, comment=comment, clock=s.clock)
    console.print(f"rejected {len(rejected)} letter(s)")


# --- delivery, responses, reports -----------------------------------------------------------


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
    outcome = s.worker().drain_sync()
    words = {
        "written": "written to outbox",
        "sent": "sent",
        "retry_wait": "will retry",
        "failed": "failed",
    }
    summary = ", ".join(f"{n} {words.get(state, state)}" for state, n in outcome.done.items())
    console.print(f"delivery: {summary or 'nothing due'}")
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
@handled
def audit(campaign_key: str | None) -> None:
    """The audit log: who did what, when, with which bytes."""
    s = services()
    table = Table("when (UTC)", "actor", "action", "subject", "details")
    with s.db.unit_of_work(write=False) as uow:
        cid = get_campaign(uow, campaign_key).id if campaign_key else None
        for e in audit_log.entries(uow, campaign_id=cid):
            table.add_row(
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.subject,
                ", ".join(f"{k}={v}" for k, v in e.details.items()),
            )
    console.print(table)
