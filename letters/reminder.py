"""Follow-up letters: which batches are reminders, and since when each addressee has waited.

Rule: a batch is a follow-up when its ``kind`` is ``reminder`` (``campaigns.batches``). Its
letters open with a reminder naming the day the addressee was first written to in the campaign:
the first delivery of an earlier, non-follow-up letter that went out (sent, or written to the
outbox); when none is recorded, the date printed on the earliest such letter. Both are stored
facts, so rendering a follow-up again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.threads import WENT_OUT
from storage.tables import Batch, Delivery, Letter

# The start of a follow-up batch's ``reason`` (a label for people; its ``kind`` decides).
FOLLOW_UP_REASON = "follow-up: no answer by"


def is_follow_up(batch: Batch) -> bool:
    return batch.kind == "reminder"


def first_written(
    uow: Session, campaign_id: int, addressee_ids: Collection[int]
) -> dict[int, date]:
    """The day each addressee was first written to in the campaign (follow-ups left out)."""
    rows = uow.execute(
        select(Letter.addressee_id, Batch.created_at, Delivery.finished_at, Delivery.state)
        .join(Batch, Batch.id == Letter.batch_id)
        .outerjoin(Delivery, Delivery.letter_id == Letter.id)
        .where(
            Batch.campaign_id == campaign_id,
            Batch.kind != "reminder",
            Letter.addressee_id.in_(list(addressee_ids)),
        )
    ).all()
    delivered: dict[int, date] = {}
    dated: dict[int, date] = {}
    for addressee_id, letter_date, finished_at, state in rows:
        if state in WENT_OUT and finished_at is not None:
            day = finished_at.date()
            delivered[addressee_id] = min(day, delivered.get(addressee_id, day))
        day = letter_date.date()
        dated[addressee_id] = min(day, dated.get(addressee_id, day))
    return {**dated, **delivered}
