"""Commands for staff review: list, show, approve, reject.

Rule: the reviewer is ``ADVOCACY_ACTOR``; every decision pins the sha256 of the bytes shown.
Service modules are imported inside the commands (``cli.lazy``), never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import console, handled, main, services

if TYPE_CHECKING:
    import bootstrap
    from review.view import LetterView


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
@click.option("--stale", "only_stale", is_flag=True, help="Only letters flagged stale.")
@handled
def review_list(
    campaign_key: str | None, batch_id: int | None, status: str, only_stale: bool
) -> None:
    """List letters awaiting review (or in another status) with their PDF paths; letters from
    an older appeal version or quoting an overtaken count are flagged stale."""
    from campaigns.store import get_campaign
    from review import queue
    from review.stale import stale_marks

    s = services()
    table = Table("letter", "batch", "addressee", "lang", "rev", "pdf", "sha256", "stale")
    table.columns[5].overflow = "fold"  # a path cut short with "…" cannot be opened
    notes = []
    with s.db.unit_of_work(write=False) as uow:
        row = get_campaign(uow, campaign_key) if campaign_key else None
        items = queue.queue(uow, campaign=row, batch_id=batch_id, status=status)
        after = s.settings.stale_after_signatures
        marks = stale_marks(uow, [item.letter.id for item in items], after_signatures=after)
        for item in items:
            reasons = marks.get(item.letter.id, [])
            if only_stale and not reasons:
                continue
            pdf = item.documents.get("pdf")
            table.add_row(
                str(item.letter.id),
                str(item.batch.id),
                item.addressee.key,
                item.letter.language,
                str(pdf.revision) if pdf else "-",
                str(s.settings.documents_dir / pdf.path) if pdf else "-",
                pdf.sha256[:12] if pdf else "-",
                "stale" if reasons else "",
            )
            notes += [f"letter {item.letter.id} stale: {reason}" for reason in reasons]
    if not table.rows:
        console.print(f"no {'stale ' if only_stale else ''}letters in status {status!r}")
        return
    console.print(table)
    for note in notes:
        click.echo(note)


def _print_view(view: LetterView, s: bootstrap.Services) -> None:
    click.echo(
        f"letter {view.letter.id} · batch {view.batch.id} · {view.addressee.key} — "
        f"{view.addressee.name}\nlanguage {view.letter.language}, status {view.letter.status}, "
        f"revision {view.revision}"
    )
    for reason in view.stale:
        click.echo(f"STALE: {reason}")
    click.echo("documents:")
    for fmt, state in sorted(view.documents.items()):
        doc = state.document
        if not state.intact:
            verdict = f"CHANGED ON DISK (now {state.on_disk or 'missing'})"
        elif state.approval:
            approval = state.approval
            verdict = f"approved by {approval.reviewer} at {approval.decided_at:%Y-%m-%d %H:%M} UTC"
        else:
            verdict = "not approved"
        click.echo(f"  {fmt:<5} r{doc.revision}  {s.settings.documents_dir / doc.path}")
        click.echo(f"        sha256 {doc.sha256}  {verdict}")
    if view.email_text:
        click.echo("email:\n" + "\n".join(f"  {line}" for line in view.email_text.splitlines()))
    _print_changes(view)


def _print_changes(view: LetterView) -> None:
    previous = view.previous
    if previous is None:
        click.echo("changes: no earlier approved version of this letter to compare with")
        return
    click.echo(
        f"changes since letter {previous.text.letter_id} r{previous.text.revision} "
        f"(batch {previous.batch_id}), approved by {previous.approval.reviewer} "
        f"at {previous.approval.decided_at:%Y-%m-%d %H:%M} UTC:"
    )
    if view.text is None:
        click.echo("  (this revision has no recorded text to compare)")
    for line in view.changes or ["  (no changes in the text)"]:
        click.echo(line)


@review.command("show")
@click.argument("letter_id", type=int)
@click.option("--out", "out", type=click.Path(path_type=Path), help="Write the PDF to this file.")
@click.option("--open", "open_pdf", is_flag=True, help="Open the PDF in the desktop's viewer.")
@handled
def review_show(letter_id: int, out: Path | None, open_pdf: bool) -> None:
    """Show one letter: its documents and hashes, whether each is approved, the email text,
    the stale flag, and a diff against the previously approved version of the same letter."""
    from review.view import letter_view, record_shown, verified_pdf

    s = services()
    with s.db.unit_of_work() as uow:
        view = letter_view(
            uow,
            letter_id,
            documents_dir=s.settings.documents_dir,
            stale_after_signatures=s.settings.stale_after_signatures,
        )
        record_shown(uow, view, reviewer=s.actor, clock=s.clock)
    _print_view(view, s)
    if out is not None or open_pdf:
        content = verified_pdf(view, s.settings.documents_dir)
        if out is not None:
            out.write_bytes(content)
            click.echo(f"PDF written to {out}")
        if open_pdf:
            click.launch(str(s.settings.documents_dir / view.documents["pdf"].document.path))


@review.command("approve")
@click.argument("letter_ids", nargs=-1, type=int)
@click.option("--batch", "batch_id", type=int, help="Approve every letter awaiting review here.")
@click.option("--comment", default="", help="Optional note kept with the approval.")
@click.option(
    "--despite-findings",
    is_flag=True,
    help="Approve a batch although `campaign check` has findings (recorded in the audit).",
)
@handled
def review_approve(
    letter_ids: tuple[int, ...], batch_id: int | None, comment: str, despite_findings: bool
) -> None:
    """Approve letters by id, or a whole batch after sampling it with `review show`; the sha256
    of each document is recorded, and a batch approval records the count and the sample.
    With ADVOCACY_FOUR_EYES=true the batch's creator cannot approve its letters. A batch whose
    campaign has findings (`campaign check`) needs --despite-findings."""
    from review.bulk import sampled_by
    from review.stale import stale_marks

    s = services()
    if bool(letter_ids) == (batch_id is not None):
        raise click.UsageError("give letter ids or --batch B (not both)")
    with s.db.unit_of_work() as uow:
        if batch_id is not None:
            approved = s.approvals.approve_batch(
                uow, batch_id, reviewer=s.actor, comment=comment, despite_findings=despite_findings
            )
            sampled = sampled_by(uow, s.actor, [letter.id for letter in approved])
        else:
            approved = s.approvals.approve(uow, letter_ids, reviewer=s.actor, comment=comment)
        after = s.settings.stale_after_signatures
        stale = sorted(stale_marks(uow, [letter.id for letter in approved], after_signatures=after))
    click.echo(f"approved {len(approved)} letter(s) as {s.actor}")
    if batch_id is not None:
        click.echo(f"sampled before approving: {', '.join(map(str, sampled)) or 'none'}")
    if stale:
        click.echo(f"warning: stale letters approved: {', '.join(map(str, stale))}")


@review.command("reject")
@click.argument("letter_ids", nargs=-1, type=int, required=True)
@click.option("--comment", required=True, help="What must change before it can go.")
@handled
def review_reject(letter_ids: tuple[int, ...], comment: str) -> None:
    """Reject letters with a comment; they stay out of the outbox until re-rendered and
    approved."""
    from review import queue

    s = services()
    with s.db.unit_of_work() as uow:
        rejected = queue.reject(uow, letter_ids, reviewer=s.actor, comment=comment, clock=s.clock)
    click.echo(f"rejected {len(rejected)} letter(s)")


@review.command("rerender")
@click.argument("letter_ids", nargs=-1, type=int, required=True)
@handled
def review_rerender(letter_ids: tuple[int, ...]) -> None:
    """Render letters again from the current appeal and templates (after a rejection or a
    fix); each gets a new revision that needs approving again. `review show` then shows
    what changed since the last approved version."""
    s = services()
    failed = []
    for letter_id in letter_ids:
        summary = s.rerender(letter_id)
        failed += summary.failed
        if summary.rendered:
            click.echo(f"letter {letter_id}: {summary.rendered} re-rendered, awaiting review")
    for failure in failed:
        click.echo(f"{failure} (still pending)", err=True)
    if failed:
        raise SystemExit(1)
