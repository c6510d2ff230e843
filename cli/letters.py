"""Commands for rendering letters and reviewing them."""

from __future__ import annotations

from pathlib import Path

import click

from campaigns.batches import batches_of, create_batch
from campaigns.store import get_campaign
from cli.base import console, handled, main, services
from errors import NotFound
from letters.service import render_batch


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
