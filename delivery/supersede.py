"""No silent repeats: a newer batch's letter supersedes an older one to the same addressee that
has not gone out, so one delivery run never sends two letters of a campaign to one addressee.

Rule: when an addressee's newest approved letter of a campaign is ready to go, each older letter
of theirs in that campaign that has not gone out is cancelled with the reason "superseded by
batch N" (audited): an approved letter not yet in the outbox becomes ``superseded``; one whose
delivery is still waiting (``queued``, ``retry_wait``) has that delivery cancelled as well. A
letter already sent, written, or being sent right now is history and is left alone.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from campaigns.threads import ThreadLetter, load_threads
from delivery.states import State, move
from storage import audit
from storage.tables import Addressee, Campaign
from timeutil import Clock

SUPERSEDED = "superseded"
_WAITING = frozenset({State.QUEUED, State.RETRY_WAIT})
_GIVEN_UP = frozenset({State.CANCELLED, State.FAILED})
_REPLACEABLE = frozenset({"pending", "review", "approved", "rejected"})


def _unsent(entry: ThreadLetter) -> bool:
    """Nothing of the letter went out or is going out now."""
    return entry.letter.status in _REPLACEABLE and all(
        d.state in _WAITING | _GIVEN_UP for d in entry.deliveries
    )


def supersede_unsent(uow: Session, campaign: Campaign, *, actor: str, clock: Clock) -> list[str]:
    """Cancel every older unsent letter an approved newer one replaces; "addressee: batch N
    superseded by batch M" for each."""
    said = []
    for thread in load_threads(uow, campaign.id).values():
        ready = [t for t in thread.letters if t.letter.status == "approved"]
        if not ready:
            continue
        newest = max(ready, key=lambda t: t.batch.id)
        older = [t for t in thread.letters if t.batch.id < newest.batch.id and _unsent(t)]
        if not older:
            continue
        key = uow.get_one(Addressee, thread.addressee_id).key
        for entry in older:
            _supersede(uow, entry, newest, campaign=campaign, key=key, actor=actor, clock=clock)
            said.append(f"{key}: batch {entry.batch.id} superseded by batch {newest.batch.id}")
    return said


def _supersede(
    uow: Session,
    entry: ThreadLetter,
    newest: ThreadLetter,
    *,
    campaign: Campaign,
    key: str,
    actor: str,
    clock: Clock,
) -> None:
    reason = f"superseded by batch {newest.batch.id}"
    cancelled = []
    for delivery in entry.deliveries:
        if delivery.state in _WAITING:
            move(delivery, State.CANCELLED, at=clock.now(), error=reason)
            cancelled.append(delivery.id)
    previous, entry.letter.status = entry.letter.status, SUPERSEDED
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="letter.supersede",
        subject=f"letter:{entry.letter.id}",
        campaign_id=campaign.id,
        addressee=key,
        reason=reason,
        previous_status=previous,
        by_letter=newest.letter.id,
        cancelled_deliveries=cancelled,
    )
