"""The demo: the whole path on the bundled example, idempotently.

Rule: every step is the same service call a user's command makes; re-running finds everything
done and changes nothing (same count → no new batch; same Message-ID → no second reply).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from rich.console import Console
from sqlalchemy import select

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.batches import batches_of, latest_count
from campaigns.presets import mapping_for
from campaigns.signatures import set_count
from campaigns.signer_import import import_signers
from campaigns.store import create_campaign, get_campaign
from delivery.outbox import enqueue
from recipients import registry
from review import queue
from settings import ROOT
from storage.tables import Addressee, Delivery, Letter

EXAMPLES = ROOT / "examples"
APPEAL = EXAMPLES / "appeal-derecognition.yaml"
ADDRESSEES = EXAMPLES / "addressees-demo.csv"
SIGNERS = EXAMPLES / "signers-demo.csv"  # fictional; those who consented form the annex
DEMO_COUNT = 15_240
REPLYING = "uk-fcdo"


def _simulated_reply(s: Services, campaign_id: int) -> bytes | None:
    """A reply from one addressee to its letter, as their mail system would send it."""
    with s.db.unit_of_work(write=False) as uow:
        row = uow.execute(
            select(Letter, Addressee, Delivery)
            .join(Addressee, Letter.addressee_id == Addressee.id)
            .join(Delivery, Delivery.letter_id == Letter.id)
            .where(Addressee.key == REPLYING, Delivery.finished_at.is_not(None))
        ).first()
    if row is None:
        return None
    letter, addressee, delivery = row
    assert delivery.finished_at is not None
    reply = EmailMessage()
    reply["From"] = f"Correspondence Unit <{addressee.email}>"
    reply["To"] = s.identities.reply_to(letter.reply_token)
    reply["Subject"] = "Re: your appeal on Belarus"
    reply["Date"] = format_datetime(delivery.finished_at + timedelta(days=3))
    reply["Message-ID"] = f"<demo-reply-{letter.id}@fcdo.example>"
    reply["In-Reply-To"] = letter.message_id
    reply.set_content(
        "Thank you for your letter. The Foreign Secretary has asked us to reply.\n"
        "The United Kingdom does not recognise the 2020 election result and keeps its\n"
        "sanctions on the regime under review with its partners.\n\n"
        "> (your original letter)\n"
    )
    return reply.as_bytes()


def run_demo(s: Services, console: Console, *, report: Callable[[Services, str], None]) -> None:
    """The whole path; ``report`` prints a campaign's report (the CLI's, which sits above)."""
    s.migrate()
    console.rule("1. registry")
    records = registry.read_file(ADDRESSEES)
    with s.db.unit_of_work() as uow:
        imported = registry.import_records(
            uow, records, source_name=ADDRESSEES.name, update=False, actor="demo", clock=s.clock
        )
    console.print(f"{len(imported.created)} addressees added, {len(imported.unchanged)} unchanged")

    console.rule("2. appeal and signatures")
    appeal = load_appeal(APPEAL)
    with s.db.unit_of_work() as uow:
        campaign, created = create_campaign(uow, appeal, actor="demo", clock=s.clock)
        # The imported signers raise the count past DEMO_COUNT; a rerun keeps what is there.
        recorded = latest_count(uow, campaign.id)
        outcome = set_count(
            uow,
            appeal.key,
            max(DEMO_COUNT, recorded.count if recorded else 0),
            as_of=None,
            source="demo",
            identities=s.identities,
            actor="demo",
            clock=s.clock,
            policy=s.missed_policy,
        )
        signers = import_signers(
            uow,
            appeal.key,
            SIGNERS,
            mapping=mapping_for("generic", {}),
            overrides={},
            keys=s.email_keys,
            recorder=s.recorder("demo"),
            source="csv:demo",
        )
    console.print(
        f"campaign {appeal.key} {'created' if created else 'already there'}; "
        f"signatures {outcome.previous:,} → {outcome.current:,}"
        + (f"; milestone fired → batch {outcome.batch.id}" if outcome.batch else "")
        + f"; {signers.new} named signers imported from {SIGNERS.name}"
    )

    console.rule("3. render and review")
    with s.db.unit_of_work(write=False) as uow:
        batch_ids = [b.id for b in batches_of(uow, campaign.id)]
    for batch_id in batch_ids:
        summary = s.render(batch_id, actor="demo")
        with s.db.unit_of_work() as uow:
            approved = s.approvals.approve(
                uow,
                queue.letters_in_review(uow, batch_id),
                reviewer="demo-reviewer",  # not the batch's creator: four eyes may be on
                comment="approved by the demo",
            )
        console.print(f"batch {batch_id}: {summary.rendered} rendered, {len(approved)} approved")

    console.rule("4. delivery")
    with s.db.unit_of_work() as uow:
        queued = enqueue(uow, get_campaign(uow, appeal.key), actor="demo", clock=s.clock)
    drained = s.worker().drain_sync()
    console.print(
        f"{len(queued.queued)} queued now, {len(queued.already)} queued before; "
        f"this run: {drained.describe()}"
    )
    for key in queued.no_channel:
        console.print(f"  {key}: no contact channel (PDF kept for post or hand delivery)")

    console.rule("5. a reply comes back")
    raw = _simulated_reply(s, campaign.id)
    if raw is not None:
        # The service's own intake (size limit, bounces first, quarantine), as the demo.
        result = dataclasses.replace(s.intake(), actor="demo")(raw)
        console.print(f"reply from {REPLYING}: {result.outcome}")

    report(s, appeal.key)
    console.print(f"PDFs:   {(s.settings.documents_dir / appeal.key).resolve()}")
    console.print(
        f"outbox: {s.settings.outbox_dir.resolve()} (Maildir; written, not sent)"
        if s.transport.name == "maildir"
        else f"delivered via {s.transport.name}"
    )
