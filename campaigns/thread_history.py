"""The history of one (campaign, addressee) thread, in order: every letter with its batch, kind
and revisions, every delivery, every answer and the letter it is credited to.

Rule: the events come from ``campaigns.threads`` (the one thread rule) plus each letter's
document revisions; nothing is inferred that the rows do not say, and the standing shown is the
report's (``responses.report``) for the same addressee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.store import get_campaign
from campaigns.threads import Thread, thread_of
from errors import NotFound
from storage.tables import Addressee, Campaign, Document


@dataclass(frozen=True)
class Event:
    at: datetime
    what: str  # letter | delivery | answer | acknowledgement
    batch: int | None
    text: str


@dataclass(frozen=True)
class History:
    campaign: Campaign
    addressee: Addressee
    events: list[Event]


def _revisions(uow: Session, thread: Thread) -> dict[int, int]:
    ids = [t.letter.id for t in thread.letters]
    query = (
        select(Document.letter_id, func.max(Document.revision))
        .where(Document.letter_id.in_(ids))
        .group_by(Document.letter_id)
    )
    return {int(row[0]): int(row[1]) for row in uow.execute(query)}


def events_of(uow: Session, thread: Thread) -> list[Event]:
    """The thread's events, oldest first (a letter at its batch's time)."""
    revisions = _revisions(uow, thread)
    events: list[Event] = []
    for entry in thread.letters:
        letter, batch = entry.letter, entry.batch
        revision = revisions.get(letter.id, 0)
        text = (
            f"{batch.kind} letter (letter {letter.id}, {letter.language}, {batch.reason}; "
            f"{batch.signature_count:,} signatures): {letter.status}, revision {revision}"
        )
        events.append(Event(batch.created_at, "letter", batch.id, text))
        for d in entry.deliveries:
            when = d.finished_at or d.created_at
            note = f" ({d.last_error})" if d.last_error else ""
            text = f"{d.channel} to {d.recipient}: {d.state}{note}"
            events.append(Event(when, "delivery", batch.id, text))
    for response in thread.responses:
        credited, _ = thread.credited(response)
        to = f"batch {credited.batch.id}" if credited else "no delivered letter"
        text = f"{response.channel}, {response.stance}, answers {to}: {response.summary[:200]}"
        what = "answer" if response.kind == "response" else "acknowledgement"
        events.append(
            Event(response.received_at, what, credited.batch.id if credited else None, text)
        )
    return sorted(events, key=lambda e: e.at)


def history(uow: Session, campaign_key: str, addressee_key: str) -> History:
    """The thread's history; ``NotFound`` when the campaign never wrote to the addressee."""
    campaign = get_campaign(uow, campaign_key)
    addressee = uow.scalar(select(Addressee).where(Addressee.key == addressee_key))
    if addressee is None:
        raise NotFound(f"no addressee {addressee_key!r}")
    thread = thread_of(uow, campaign.id, addressee.id)
    if thread is None:
        raise NotFound(f"{campaign_key} has not written to {addressee_key}")
    return History(campaign, addressee, events_of(uow, thread))
