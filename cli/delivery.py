"""Commands for delivery and the audit log (replies and reports: cli.responses, cli.reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.base import console, handled, main, services, working
from cli.outbox import drain_with_progress

if TYPE_CHECKING:  # service modules load inside the commands (cli.lazy)
    import bootstrap


@main.command()
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.option("--dry-run", is_flag=True, help="Show what would be queued; send nothing.")
@click.option(
    "--send-window",
    metavar="HH:MM-HH:MM|any",
    help="Office hours (weekdays, addressee's time zone) for this run; default "
    "ADVOCACY_SEND_WINDOW.",
)
@click.option(
    "--proof-to",
    metavar="EMAIL",
    help="Only send a sample of the exact approved emails to this staff address, with "
    "[PROOF] in the subject; nothing is queued or recorded as a delivery.",
)
@click.option("--sample", default=3, show_default=True, help="How many proofs (--proof-to).")
@handled
def deliver(
    campaign_key: str, dry_run: bool, send_window: str | None, proof_to: str | None, sample: int
) -> None:
    """Queue the campaign's approved letters and deliver everything due."""
    from campaigns.store import get_campaign
    from delivery.outbox import CHANNELS, enqueue
    from recipients.provenance import unconfirmed_deliveries

    s = services()
    if proof_to is not None:
        _proofs(s, campaign_key, to=proof_to, sample=sample)
        return
    with working(f"queueing the approved letters of {campaign_key}"), s.db.unit_of_work() as uow:
        campaign = get_campaign(uow, campaign_key)
        report = enqueue(
            uow,
            campaign,
            actor=s.actor,
            clock=s.clock,
            channels=CHANNELS,
            window=s.send_window_for(campaign, send_window),
        )
        unconfirmed = unconfirmed_deliveries(uow, get_campaign(uow, campaign_key).id, report.queued)
        if dry_run:
            uow.rollback()
    console.print(
        f"{'would queue' if dry_run else 'queued'} {len(report.queued)}, "
        f"already queued {len(report.already)}, "
        f"not approved {len(report.not_approved)}"
    )
    for line in report.superseded:  # a newer batch's letter replaces an unsent older one
        console.print(f"  {line}: not sent (a newer letter replaces it)")
    for key in report.no_channel:
        console.print(
            f"  {key}: [yellow]no contact channel[/yellow] (email, post, web form); not delivered"
            f" (add one: advocacy recipients set {key} email=…)"
        )
    for flagged in report.flagged:
        console.print(
            f"  {flagged} [yellow]flagged after a bounce[/yellow], skipped until cleared "
            "(advocacy outbox checks)"
        )
    if unconfirmed:  # issue 18: contacts nobody has confirmed at their source
        console.print(f"[yellow]{len(unconfirmed)} going to unconfirmed contacts:[/yellow]")
        for line in unconfirmed:
            console.print(f"  {line}", markup=False, highlight=False)
    if not dry_run:
        _drain(s)


def _proofs(s: bootstrap.Services, campaign_key: str, *, to: str, sample: int) -> None:
    """Send the proofs and say, for each, whether the transport took it."""
    import asyncio

    from campaigns.store import get_campaign
    from delivery.proof import pick_proofs, send_proofs
    from recipients.addresses import check_address

    check_address(to)  # a typo must not send proofs somewhere else
    with s.db.unit_of_work(write=False) as uow:
        proofs = pick_proofs(
            uow,
            get_campaign(uow, campaign_key),
            documents_dir=s.settings.documents_dir,
            sample=sample,
        )
    sender = f"proof@{s.settings.reply_domain}"  # no delivery's bounce address: changes nothing
    results = asyncio.run(send_proofs(s.transport, proofs, to=to, sender=sender))
    for proof, result in results:
        verdict = (
            "sent"
            if result.ok
            else f"[red]not sent[/red]: {(result.permanent or result.temporary)[0][1]}"
        )
        console.print(f"  proof of {proof.addressee} ({proof.language}) to {to}: {verdict}")
    if s.transport.name == "maildir":
        console.print(f"proofs written to the Maildir outbox (not sent): {s.settings.outbox_dir}")


def _drain(s: bootstrap.Services) -> None:
    outcome = drain_with_progress(s)
    console.print(f"delivery: {outcome.describe()}")
    if s.transport.name == "maildir" and outcome.done.get("written"):
        console.print(f"outbox (Maildir, not sent): {s.settings.outbox_dir}")


@main.command()
@handled
def worker() -> None:
    """Deliver every due outbox row once (retries that are not yet due wait); first say how
    many rows are held for staff or under a lease."""
    s = services()
    console.print(f"outbox: {s.worker().status().describe()}")
    _drain(s)


@main.command()
@click.option("--campaign", "campaign_key", help="Only this campaign.")
@click.option("--addressee", "addressee_key", help="Only the letters to this addressee (key).")
@click.option("--letter", "letter_id", type=int, help="Only this letter.")
@handled
def audit(campaign_key: str | None, addressee_key: str | None, letter_id: int | None) -> None:
    """The audit log: who did what, when, with which bytes. With --addressee or --letter, the
    trail of those letters: render → approval (who, when, sha256) → delivery (state,
    Message-ID, sha256 sent)."""
    from campaigns.store import get_campaign
    from review.trail import describe, trail

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        cid = get_campaign(uow, campaign_key).id if campaign_key else None
        entries = trail(uow, campaign_id=cid, addressee_key=addressee_key, letter_id=letter_id)
    for entry in entries:
        click.echo("\n".join(describe(entry)))
    if not entries:
        click.echo("the audit log has no entries yet")
