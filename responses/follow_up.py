"""Follow-ups: a new letter batch for addressees still silent after their answer deadline.

Rule: one ``follow_ups`` row per (campaign, due date), inserted in the transaction that creates
the batch, so the job may run anywhere, any number of times, and each deadline is chased once.
An addressee already sent a follow-up is not chased again. The batch is made by
``campaigns.batches.create_batch`` with kind ``reminder``. The batch's
letters start ``pending`` and go through rendering and review like any other; rendering gives
them the reminder wording of ``letters.reminder`` (subject prefix, an opening paragraph with
the date of the first letter). The hourly job that calls this for every campaign is
``jobs.chase_silent``, in the composition root.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.batches import create_batch
from letters.identity import ReplyAddresses
from letters.reminder import FOLLOW_UP_REASON
from responses.deadlines import Due
from responses.report import response_report
from storage import audit
from storage.tables import Addressee, Batch, Campaign, FollowUp, Letter
from timeutil import Clock

REASON = FOLLOW_UP_REASON  # the batch reason people read; Batch.kind "reminder" decides
ACTOR = "scheduler"


def _silent_by_deadline(
    uow: Session, campaign: Campaign, *, today: date, working_days: Due
) -> dict[date, list[str]]:
    """Overdue addressees grouped by due date, leaving out those already chased."""
    chased = set(
        uow.scalars(
            select(Addressee.key)
            .join(Letter, Letter.addressee_id == Addressee.id)
            .join(Batch, Batch.id == Letter.batch_id)
            .where(Batch.campaign_id == campaign.id, Batch.kind == "reminder")
        )
    )
    groups: dict[date, list[str]] = {}
    for row in response_report(uow, campaign, today=today, working_days=working_days):
        if row.status == "overdue" and row.due_on and row.addressee_key not in chased:
            groups.setdefault(row.due_on, []).append(row.addressee_key)
    return groups


def _batch_for(
    uow: Session,
    campaign: Campaign,
    keys: list[str],
    *,
    due: date,
    identities: ReplyAddresses,
    clock: Clock,
) -> Batch:
    addressees = list(uow.scalars(select(Addressee).where(Addressee.key.in_(keys))))
    return create_batch(
        uow,
        campaign,
        reason=f"{REASON} {due.isoformat()}",
        identities=identities,
        actor=ACTOR,
        clock=clock,
        kind="reminder",
        addressees=addressees,
    )


def create_follow_ups(
    uow: Session, campaign: Campaign, *, identities: ReplyAddresses, working_days: Due, clock: Clock
) -> list[Batch]:
    """One follow-up batch per passed deadline not yet chased; the batches made."""
    today = clock.now().date()
    made = []
    for due, keys in sorted(
        _silent_by_deadline(uow, campaign, today=today, working_days=working_days).items()
    ):
        done = uow.scalar(
            select(FollowUp.id).where(FollowUp.campaign_id == campaign.id, FollowUp.due_on == due)
        )
        if done:
            continue
        batch = _batch_for(uow, campaign, keys, due=due, identities=identities, clock=clock)
        uow.add(
            FollowUp(
                campaign_id=campaign.id,
                due_on=due,
                batch_id=batch.id,
                addressees=len(keys),
                created_at=clock.now(),
            )
        )
        uow.flush()  # the unique (campaign, due date) row: a second writer fails here, not later
        audit.record(
            uow,
            at=clock.now(),
            actor=ACTOR,
            action="batch.follow_up",
            subject=f"batch:{batch.id}",
            campaign_id=campaign.id,
            due=due.isoformat(),
            addressees=keys,
        )
        made.append(batch)
    return made
