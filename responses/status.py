"""Where each addressee stands with a campaign: awaiting, acknowledged, responded, refused,
no-response-needed or overdue; and when an answer is due.

Rule: a status staff set by hand (``refused``, ``no-response-needed``) wins; then a person's
answer (``responded``); then an automatic acknowledgement; a delivered letter with none of
these is ``overdue`` once its due date (N working days after delivery, weekends and the
addressee country's public holidays excluded: ``timeutil.due_on``) has passed, else
``awaiting``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from errors import InputError, NotFound, Problem
from storage import audit
from storage.tables import Addressee, AddresseeStatus
from timeutil import Clock

STATUSES = ("awaiting", "acknowledged", "responded", "refused", "no-response-needed", "overdue")
SETTABLE = ("refused", "no-response-needed")
CLEAR = "clear"


def status_of(
    *,
    manual: str | None,
    answered: bool,
    acknowledged: bool,
    delivered_at: datetime | None,
    due: date | None,
    today: date,
) -> str:
    """The one status of an addressee, by the rule in this module's docstring."""
    if manual:
        return manual
    if answered:
        return "responded"
    if acknowledged:
        return "acknowledged"
    if delivered_at is None:
        return "not delivered"
    return "overdue" if due is not None and today > due else "awaiting"


def manual_statuses(uow: Session, campaign_id: int) -> dict[int, str]:
    """Statuses staff set for this campaign, by addressee id."""
    rows = uow.execute(
        select(AddresseeStatus.addressee_id, AddresseeStatus.status).where(
            AddresseeStatus.campaign_id == campaign_id
        )
    )
    return {row.addressee_id: row.status for row in rows}


def set_status(
    uow: Session, campaign_key: str, addressee_key: str, status: str, *, actor: str, clock: Clock
) -> None:
    """Set ``refused`` or ``no-response-needed`` for one addressee; ``clear`` removes it."""
    if status not in (*SETTABLE, CLEAR):
        allowed = ", ".join((*SETTABLE, CLEAR))
        raise InputError([Problem("status", None, "status", f"must be one of {allowed}")])
    campaign = get_campaign(uow, campaign_key)
    addressee = uow.scalar(select(Addressee).where(Addressee.key == addressee_key))
    if addressee is None:
        raise NotFound(f"no addressee {addressee_key!r}")
    row = uow.scalar(
        select(AddresseeStatus).where(
            AddresseeStatus.campaign_id == campaign.id,
            AddresseeStatus.addressee_id == addressee.id,
        )
    )
    if status == CLEAR:
        if row is not None:
            uow.delete(row)
    elif row is None:
        uow.add(
            AddresseeStatus(
                campaign_id=campaign.id,
                addressee_id=addressee.id,
                status=status,
                set_by=actor,
                set_at=clock.now(),
            )
        )
    else:
        row.status, row.set_by, row.set_at = status, actor, clock.now()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.status",
        subject=f"addressee:{addressee.key}",
        campaign_id=campaign.id,
        status=status,
    )
