"""``advocacy rehearse``: a campaign's timeline on a simulated clock, nothing real changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.milestones import MissedPolicy
from campaigns.rehearsal import Plan, rehearse, throwaway
from recipients import registry, selection
from settings import ROOT
from storage.tables import Batch, SignatureCount
from tests.helpers import EXAMPLES, load_examples

BUNDLED = ROOT / "recipients" / "data"
SEED_003 = EXAMPLES / "appeal-civil-society-2020.yaml"


def _bundled_registry(s: Services) -> None:
    with s.db.unit_of_work() as uow:
        records = registry.read_file(BUNDLED / "registry.yaml")
        registry.import_records(
            uow, records, source_name="bundled", update=False, actor="test", clock=s.clock
        )
        selection.save_groups(uow, selection.read_groups(BUNDLED / "groups.yaml"), clock=s.clock)


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_seed_003_fires_two_days_before_the_council(services: Services) -> None:
    """The civil-society statement fires on 25 August 2020 at 07:00 UTC (09:00 Brussels, two
    days before the Council) with a letter to each EU foreign ministry and the two EU bodies."""
    _bundled_registry(services)
    plan = Plan(_at(2020, 8, 1), _at(2020, 10, 31))
    with throwaway(services.db.engine) as session:
        events = rehearse(session, load_appeal(SEED_003), plan, identities=services.identities)
    [fire] = [e for e in events if e.kind == "fire"]
    assert fire.at == _at(2020, 8, 25, 7, 0)
    assert "before-fac-august-2020" in fire.text
    letters = [e.text for e in events if e.kind == "letter"]
    assert len(letters) == 29
    assert any("[mfa-lithuania] in en" in text for text in letters)


def test_seed_004_counts_fire_15000_and_reminders_follow(services: Services) -> None:
    """Fed 15,240 signatures on 20 October 2021, the de-recognition appeal fires goal-15000
    then, and answer deadlines and reminders follow it, in time order."""
    load_examples(services)
    plan = Plan(_at(2021, 10, 1), _at(2021, 12, 31), counts=[(_at(2021, 10, 20, 12), 15_240)])
    with throwaway(services.db.engine) as session:
        events = rehearse(session, "derecognise-lukashenka", plan, identities=services.identities)
    fired = [e for e in events if e.kind == "fire"]
    assert fired[0].at == _at(2021, 10, 20, 12)
    assert "goal-15000" in fired[0].text
    assert "15,240" in fired[0].text
    reminders = [e for e in events if e.kind == "reminder"]
    assert reminders
    assert all(r.at > fired[0].at for r in reminders)
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_a_rehearsal_changes_nothing(services: Services) -> None:
    """After a rehearsal that fires milestones the real database has no batch and no count."""
    load_examples(services)
    plan = Plan(_at(2021, 10, 1), _at(2021, 12, 31), counts=[(_at(2021, 10, 20), 60_000)])
    with throwaway(services.db.engine) as session:
        rehearse(session, "derecognise-lukashenka", plan, identities=services.identities)
    with services.db.unit_of_work(write=False) as uow:
        assert uow.scalar(select(func.count(Batch.id))) == 0
        assert uow.scalar(select(func.count(SignatureCount.id))) == 0


def test_the_report_policy_shows_a_missed_milestone(services: Services) -> None:
    """Starting after the Council date with the ``report`` policy, the dated milestone is shown
    as missed, not fired."""
    load_examples(services)
    policy = MissedPolicy("report", timedelta(minutes=15))
    plan = Plan(_at(2021, 11, 20), _at(2021, 12, 31), policy=policy)
    with throwaway(services.db.engine) as session:
        events = rehearse(session, "derecognise-lukashenka", plan, identities=services.identities)
    assert [e.kind for e in events] == ["missed"]
    assert "before-fac-november" in events[0].text
