"""Commands for staff review: list, approve, reject."""

from __future__ import annotations

import click
from rich.table import Table

from campaigns.store import get_campaign
from cli.base import console, handled, main, services
from errors import NotFound
from review import queue


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
