"""Job functions the scheduler calls by reference; each builds services and calls services.

Rule: a job takes ids only (never objects that must be pickled) and is safe to run twice, in
two processes at once: milestones fire through their unique firing row, rendering takes only
pending letters, the outbox claims rows under a lease, fetched mail is marked seen only after
its import committed and a message read twice is a duplicate.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

import bootstrap
from campaigns.milestones import fire_due_milestones
from errors import AdvocacyError
from responses.follow_up import create_follow_ups
from responses.imap import fetch_unseen, parse_url
from review.render_failures import record_failure
from storage.tables import Batch, Campaign, Letter

ACTOR = "scheduler"
log = logging.getLogger("advocacy.jobs")


def fire_milestones_of(campaign_id: int, services: bootstrap.Services | None = None) -> bool:
    """Fire (or report missed) the campaign's due milestones; return whether a batch was made."""
    s = services or bootstrap.build()
    try:
        with s.db.unit_of_work() as uow:
            campaign = uow.get_one(Campaign, campaign_id)
            batch = fire_due_milestones(
                uow,
                campaign,
                identities=s.identities,
                actor=ACTOR,
                clock=s.clock,
                policy=s.missed_policy,
            )
        return batch is not None
    finally:
        if services is None:
            s.close()


def check_milestones() -> int:
    """Check every campaign's milestones, each in its own transaction; return batches made."""
    s = bootstrap.build()
    try:
        return sum(fire_milestones_of(campaign_id, s) for campaign_id in _campaign_ids(s))
    finally:
        s.close()


def _campaign_ids(s: bootstrap.Services) -> list[int]:
    """Every campaign's id, oldest first (each job then works on one per transaction)."""
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Campaign.id).order_by(Campaign.id)))


def render_pending(services: bootstrap.Services | None = None) -> int:
    """Render the pending letters of every batch (a milestone that fired unattended), so they
    wait for review; return how many letters were rendered. A batch that fails (a template
    error, a glyph no font has) is recorded for the dashboard and the others still render."""
    s = services or bootstrap.build()
    try:
        with s.db.unit_of_work(write=False) as uow:
            query = select(Letter.batch_id).where(Letter.status == "pending").distinct()
            batch_ids = sorted(uow.scalars(query.join(Batch, Batch.id == Letter.batch_id)))
        rendered = 0
        for batch_id in batch_ids:
            try:
                summary = s.render(batch_id, actor=ACTOR)
                rendered += summary.rendered
                if summary.failed:  # the other letters are stored; these stay pending
                    raise AdvocacyError("; ".join(map(str, summary.failed)))
            except AdvocacyError as exc:
                log.error("batch %s could not be rendered: %s", batch_id, exc)
                with s.db.unit_of_work() as uow:
                    record_failure(uow, batch_id, str(exc), actor=ACTOR, clock=s.clock)
        return rendered
    finally:
        if services is None:
            s.close()


def chase_silent() -> int:
    """Follow-up batches for every campaign whose deadlines passed unanswered (hourly), each
    campaign in its own transaction; return how many batches were made."""
    s = bootstrap.build()
    try:
        made = 0
        for campaign_id in _campaign_ids(s):
            with s.db.unit_of_work() as uow:
                campaign = uow.get_one(Campaign, campaign_id)
                batches = create_follow_ups(
                    uow,
                    campaign,
                    identities=s.identities,
                    working_days=s.settings.answer_deadlines,
                    clock=s.clock,
                )
                made += len(batches)
        return made
    finally:
        s.close()


def drain_outbox() -> int:
    """Deliver whatever is due in the outbox; return how many rows were handled."""
    s = bootstrap.build()
    try:
        return sum(s.worker().drain_sync().done.values())
    finally:
        s.close()


def fetch_replies() -> int:
    """Import unseen replies from ADVOCACY_IMAP_URL (none when it is unset); return how many
    messages were read."""
    s = bootstrap.build()
    try:
        if s.settings.imap_url is None:
            return 0
        box = parse_url(s.settings.imap_url.get_secret_value())
        return sum(fetch_unseen(box, s.import_reply).values())
    finally:
        s.close()
