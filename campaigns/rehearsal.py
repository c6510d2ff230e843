"""Rehearsing a campaign's timeline: its milestones, letters, answer deadlines and reminders
against a simulated clock, on a throwaway copy of the database.

Rule: nothing real changes. SQLite is copied (the backup API) into a temporary file and the
copy is thrown away; on PostgreSQL the rehearsal runs in one transaction that is rolled back.
The real services fire the milestones (``set_count``, ``fire_due_milestones``) with a
``FixedClock`` moved from event to event, so what the rehearsal prints is what would happen;
letters are assumed delivered the day their batch fires and never answered, which gives the
latest reminders there could be.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from campaigns.appeal import Appeal
from campaigns.batches import Identities
from campaigns.explain import fired_for
from campaigns.milestones import FIRE_LATE, MissedPolicy, fire_due_milestones
from campaigns.signatures import CountOutcome, set_count
from campaigns.store import appeal_of, create_campaign, get_campaign, update_campaign
from storage.tables import Addressee, Campaign, Letter, MilestoneFiring
from timeutil import FixedClock, as_utc, due_on

ACTOR = "rehearsal"

# When an addressee's answer is due after a letter delivered that day (the service's rules:
# ``Settings.answer_deadlines``, handed in by the caller; campaigns sit below responses).
AnswerDue = Callable[[date, Addressee], date]


def within_working_days(days: int) -> AnswerDue:
    """``days`` working days for everyone (weekends and the country's holidays excluded)."""
    return lambda delivered, addressee: due_on(
        delivered, working_days=days, country=addressee.country
    )


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # count, fire, missed, batch, letter, due, reminder
    text: str


@dataclass(frozen=True)
class Plan:
    """What to rehearse: the period, the counts to feed in, and the rules the service uses."""

    start: datetime
    end: datetime
    counts: list[tuple[datetime, int]] = field(default_factory=list)
    policy: MissedPolicy = FIRE_LATE
    answer_due: AnswerDue = field(default=within_working_days(20))


@contextmanager
def throwaway(engine: Engine) -> Iterator[Session]:
    """A session on a copy of ``engine``'s database, discarded afterwards (see module rule)."""
    if engine.dialect.name != "sqlite":
        with Session(engine) as session:
            session.begin()
            try:
                yield session
            finally:
                session.rollback()
        return
    with tempfile.TemporaryDirectory(prefix="advocacy-rehearsal-") as folder:
        copy = Path(folder) / "rehearsal.db"
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(copy)
            source.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            source.close()
        scratch = create_engine(f"sqlite:///{copy}")
        try:
            with Session(scratch) as session, session.begin():
                yield session
        finally:
            scratch.dispose()


def _moments(session: Session, key: str, plan: Plan) -> list[tuple[datetime, int | None]]:
    """Each moment something can happen: the start, every count, every dated milestone."""
    appeal = appeal_of(get_campaign(session, key))
    dated = [m.due_at for m in appeal.milestones if m.due_at is not None]
    points: dict[datetime, int | None] = {plan.start: None}
    points.update({d: None for d in dated if plan.start <= d <= plan.end})
    points.update({at: n for at, n in plan.counts if plan.start <= at <= plan.end})
    return sorted(points.items())


def rehearse(
    session: Session,
    campaign: str | Appeal,
    plan: Plan,
    *,
    identities: Identities,
) -> list[Event]:
    """Run the plan on ``session`` (a throwaway one) and return the timeline, in time order."""
    if isinstance(campaign, Appeal):
        # An appeal file: created on the copy, or stored there as the campaign's next version,
        # so an edited appeal can be rehearsed before it is used.
        then = FixedClock(plan.start)
        exists = session.scalar(select(Campaign.id).where(Campaign.key == campaign.key))
        if exists is None:
            create_campaign(session, campaign, actor=ACTOR, clock=then)
        else:
            update_campaign(session, campaign, actor=ACTOR, clock=then)
        campaign = campaign.key
    events: list[Event] = []
    clock = FixedClock(plan.start)
    for at, count in _moments(session, campaign, plan):
        clock.current = at
        outcome = _step(session, campaign, count, clock=clock, plan=plan, identities=identities)
        if count is not None:
            events.append(Event(at, "count", f"count {outcome.previous:,} → {count:,}"))
        if outcome.batch is not None:
            events += _batch_events(session, outcome, at=at, plan=plan)
    events += _missed(session, campaign, plan)
    return sorted((e for e in events if e.at <= plan.end), key=lambda e: e.at)


def _missed(session: Session, key: str, plan: Plan) -> list[Event]:
    """Dated milestones the ``report`` policy settled as missed during the rehearsal."""
    campaign = get_campaign(session, key)
    rows = session.scalars(
        select(MilestoneFiring).where(
            MilestoneFiring.campaign_id == campaign.id, MilestoneFiring.outcome == "missed"
        )
    )
    return [
        Event(
            as_utc(f.fired_at),
            "missed",
            f"milestone {f.milestone_key} recorded as missed: its moment had passed "
            "(ADVOCACY_MISSED_MILESTONES=report); it never fires",
        )
        for f in rows
        if plan.start <= as_utc(f.fired_at) <= plan.end
    ]


def _step(
    session: Session,
    key: str,
    count: int | None,
    *,
    clock: FixedClock,
    plan: Plan,
    identities: Identities,
) -> CountOutcome:
    if count is not None:
        return set_count(
            session,
            key,
            count,
            as_of=clock.now(),
            source=ACTOR,
            identities=identities,
            actor=ACTOR,
            clock=clock,
            policy=plan.policy,
        )
    campaign = get_campaign(session, key)
    batch = fire_due_milestones(
        session, campaign, identities=identities, actor=ACTOR, clock=clock, policy=plan.policy
    )
    return CountOutcome(0, 0, batch, fired_for(session, campaign, batch))


def _channel(a: Addressee) -> str:
    if a.email:
        return "email"
    if a.postal_address:
        return "post"
    return "web form" if a.web_form else "no channel"


def _batch_events(
    session: Session, outcome: CountOutcome, *, at: datetime, plan: Plan
) -> list[Event]:
    batch = outcome.batch
    assert batch is not None
    events = [Event(at, "fire", f"milestone {f.key} fires: {f.why}") for f in outcome.fired]
    letters = session.execute(
        select(Letter, Addressee)
        .join(Addressee, Addressee.id == Letter.addressee_id)
        .where(Letter.batch_id == batch.id)
        .order_by(Addressee.key)
    ).all()
    events.append(
        Event(
            at,
            "batch",
            f"batch {batch.id} ({batch.signature_count:,} signatures): {len(letters)} letters",
        )
    )
    due: dict[date, list[str]] = {}
    for letter, addressee in letters:
        text = f"  {addressee.name} [{addressee.key}] in {letter.language} by {_channel(addressee)}"
        events.append(Event(at, "letter", text))
        day = plan.answer_due(at.date(), addressee)
        due.setdefault(day, []).append(addressee.key)
    for day, keys in sorted(due.items()):
        moment = datetime.combine(day, time(0), UTC)
        events.append(
            Event(
                moment, "due", f"answers due (batch {batch.id}) from {len(keys)}: {', '.join(keys)}"
            )
        )
        reminder = moment + timedelta(days=1)
        events.append(
            Event(
                reminder,
                "reminder",
                f"reminder (follow-up batch) to those of these {len(keys)} still silent",
            )
        )
    return events
