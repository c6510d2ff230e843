"""Commands for rendering letters (with a progress bar) and checking a signed letter PDF.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cli.base import console, handled, main, services
from errors import NotFound

if TYPE_CHECKING:
    from bootstrap import Services
    from letters.service import RenderFailure, RenderSummary

FORMATS = {"pdf": ".pdf", "docx": ".docx", "email": ".eml"}


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--batch", "batch_id", type=int, help="Render this batch (default: all pending).")
@click.option("--new-batch", is_flag=True, help="Start a batch by hand at the current count.")
@click.option("--recipient", metavar="KEY", help="Render only the letter to this addressee.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="pdf",
    show_default=True,
    help="Which documents --out receives (every format is always rendered and stored).",
)
@click.option("--out", type=click.Path(path_type=Path), help="Also copy the documents here.")
@handled
def render(
    campaign_key: str,
    batch_id: int | None,
    new_batch: bool,
    recipient: str | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Render the pending letters of a campaign (PDF with the signatory annex, DOCX and email),
    store each document with its sha256 and queue the letters for review. A letter that cannot
    be rendered does not stop the others: the failures are listed at the end (exit status 1)."""
    from campaigns.batches import batches_of, create_batch
    from campaigns.store import get_campaign

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
    rendered, failed = 0, []
    for bid in ids:
        letter_ids = None if recipient is None else _letters_to(s, bid, recipient)
        summary = _render_with_progress(s, bid, letter_ids)
        rendered += summary.rendered
        failed += summary.failed
        for path in summary.files:
            if out is not None and path.suffix == FORMATS[fmt]:
                out.mkdir(parents=True, exist_ok=True)
                (out / path.name).write_bytes(path.read_bytes())
        if summary.rendered:
            folder = s.settings.documents_dir / campaign_key / f"batch-{bid}"
            console.print(f"batch {bid}: rendered {summary.rendered} letter(s) into {folder}")
        _warn_undrawable(s, bid)
    if failed:
        _report_failures(failed)
    if not ids:
        console.print("no batches yet: reach a milestone or use --new-batch")
    elif not rendered and not failed:
        to = f" to {recipient}" if recipient else ""
        console.print(f"nothing to render: no pending letters{to} (see advocacy review list)")
    if failed:
        raise SystemExit(1)


def _warn_undrawable(s: Services, batch_id: int) -> None:
    from letters.signatories import undrawable_signers

    with s.db.unit_of_work(write=False) as uow:
        refs = undrawable_signers(uow, batch_id)
    if refs:
        click.echo(
            f"warning: batch {batch_id}: the annex shows '?' for characters no bundled font "
            f"has in {len(refs)} signer(s): {', '.join(refs[:20])}{' …' if len(refs) > 20 else ''}",
            err=True,
        )


def _report_failures(failed: list[RenderFailure]) -> None:
    """Every letter that could not be rendered, with why; they stay pending (fix, then run
    ``render`` again or ``review rerender``)."""
    click.echo(f"{len(failed)} letter(s) could not be rendered and stay pending:", err=True)
    for failure in failed:
        click.echo(f"  {failure}", err=True)


def _letters_to(s: Services, batch_id: int, key: str) -> list[int]:
    from sqlalchemy import select

    from storage.tables import Addressee, Letter

    with s.db.unit_of_work(write=False) as uow:
        if uow.scalar(select(Addressee.id).where(Addressee.key == key)) is None:
            raise NotFound(f"no addressee {key!r} in the registry")
        return list(
            uow.scalars(
                select(Letter.id)
                .join(Addressee, Letter.addressee_id == Addressee.id)
                .where(Letter.batch_id == batch_id, Addressee.key == key)
            )
        )


def _render_with_progress(
    s: Services, batch_id: int, letter_ids: list[int] | None
) -> RenderSummary:
    from sqlalchemy import func, select

    from storage.tables import Letter

    columns = (
        TextColumn(f"batch {batch_id}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with s.db.unit_of_work(write=False) as uow:
        pending = select(func.count(Letter.id)).where(
            Letter.batch_id == batch_id, Letter.status == "pending"
        )
        if letter_ids is not None:
            pending = pending.where(Letter.id.in_(letter_ids))
        total = uow.scalar(pending)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)

        def advance(letter: object) -> None:
            progress.update(task, advance=1, description=str(getattr(letter, "addressee_key", "")))

        return s.render(batch_id, letter_ids=letter_ids, progress=advance)


@main.command()
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@handled
def verify(pdf: Path) -> None:
    """Check the signature(s) of a letter PDF: intact (bytes unchanged since signing), valid
    (the signature checks out) and trusted (our configured signing certificate). Exit status 1
    when a signature is broken or the file is not signed."""
    from letters.signing import PdfSigner
    from letters.signing import verify as verify_signatures

    s = services()
    signer = s.finishing.signer
    trusted = [signer.certificate] if isinstance(signer, PdfSigner) else []
    checks = verify_signatures(pdf.read_bytes(), trusted=trusted)
    if not checks:
        console.print(f"{pdf}: not signed")
        raise SystemExit(1)
    for check in checks:
        console.print(
            f"{pdf}: signed by {check.signer} at {check.signed_at}: "
            f"intact={_yes(check.intact)} valid={_yes(check.valid)} "
            f"trusted={_yes(check.trusted)} whole document={_yes(check.whole_document)}"
        )
    if not all(c.intact and c.valid and c.whole_document for c in checks):
        raise SystemExit(1)


def _yes(value: bool) -> str:
    return "yes" if value else "no"
