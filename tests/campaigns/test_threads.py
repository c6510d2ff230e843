"""Threads in use: no silent repeats, answers dated sensibly, staff classification, milestones
that only record the moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.milestone_spec import Milestone
from campaigns.store import get_campaign
from errors import InputError
from responses.manual_entry import Answer, classify, log_answer
from storage.tables import Addressee, Delivery, Letter, MilestoneFiring
from tests.delivery.steps import approve_and_enqueue
from tests.documents import stand_in_render
from tests.helpers import APPEAL, CAMPAIGN, load_examples, reach_milestone, set_signatures


def _two_unsent_batches(s: Services) -> tuple[int, int]:
    load_examples(s)
    first = reach_milestone(s, 15_240)
    stand_in_render(s, first)
    second = set_signatures(s, 50_500).batch
    assert second is not None
    stand_in_render(s, second.id)
    return first, second.id


def test_a_newer_batch_supersedes_an_unsent_letter(services: Services) -> None:
    """Delivering with two approved, unsent batches queues only the newer one's letters and
    marks the older ones superseded, saying so."""
    first, second = _two_unsent_batches(services)
    with services.db.unit_of_work() as uow:
        from review import queue

        services.approvals.approve(uow, queue.letters_in_review(uow, first), reviewer="r")
    report = approve_and_enqueue(services, second)
    assert "uk-fcdo: batch 1 superseded by batch 2" in report.superseded
    with services.db.unit_of_work(write=False) as uow:
        queued = set(uow.scalars(select(Letter.batch_id).join(Delivery)))
        statuses = set(uow.scalars(select(Letter.status).where(Letter.batch_id == first)))
    assert (queued, statuses) == ({second}, {"superseded"})


def test_a_queued_older_delivery_is_cancelled(services: Services) -> None:
    """An older letter already queued but not sent is cancelled, with the batch as reason."""
    first, second = _two_unsent_batches(services)
    approve_and_enqueue(services, first)
    approve_and_enqueue(services, second)
    with services.db.unit_of_work(write=False) as uow:
        rows = uow.execute(
            select(Letter.batch_id, Delivery.state, Delivery.last_error).join(Letter)
        )
        states = {(b, st, e) for b, st, e in rows}
    assert (first, "cancelled", f"superseded by batch {second}") in states
    assert {st for b, st, _ in states if b == second} == {"queued"}


def _log(s: Services, when: datetime | None, **fields: str) -> None:
    with s.db.unit_of_work() as uow:
        answer = Answer(CAMPAIGN, fields.pop("addressee", "uk-fcdo"), received_at=when, **fields)
        log_answer(uow, answer, actor="test", clock=s.clock)


@pytest.fixture
def delivered(services: Services) -> Services:
    load_examples(services)
    batch = reach_milestone(services)
    stand_in_render(services, batch)
    approve_and_enqueue(services, batch)
    services.worker().drain_sync()
    services.clock.advance(timedelta(days=5))
    return services


def test_an_answer_before_the_delivery_is_refused(delivered: Services) -> None:
    """A logged answer dated before the first delivery to the addressee is refused."""
    with pytest.raises(InputError, match="before the first delivery to uk-fcdo"):
        _log(delivered, datetime(2021, 9, 1, 12, 0, tzinfo=UTC))


def test_an_answer_in_the_future_is_refused(delivered: Services) -> None:
    """A logged answer dated after now is refused."""
    with pytest.raises(InputError, match="lies in the future"):
        _log(delivered, delivered.clock.now() + timedelta(hours=1))


def test_control_characters_are_refused(delivered: Services) -> None:
    """A summary with a control character is refused, naming the field."""
    with pytest.raises(InputError, match="summary: holds control characters"):
        _log(delivered, None, summary="ok\x1b[31m")


def test_a_stranger_is_refused(delivered: Services) -> None:
    """An addressee the campaign neither targets nor wrote to cannot answer it."""
    with delivered.db.unit_of_work() as uow:
        uow.add(Addressee(key="stranger", name="S", category="x", updated_at=delivered.clock.now()))
    with pytest.raises(InputError, match="neither targets nor wrote to stranger"):
        _log(delivered, None, addressee="stranger")


def test_staff_reclassify_an_answer_as_acknowledgement(delivered: Services) -> None:
    """A holding reply logged as an answer becomes an acknowledgement, and back, audited."""
    _log(delivered, None, stance="unclear")
    with delivered.db.unit_of_work() as uow:
        response_id = 1
        changed = classify(
            uow, response_id, kind="acknowledgement", actor="test", clock=delivered.clock
        )
        assert changed.kind == "acknowledgement"
    with delivered.db.unit_of_work() as uow:
        changed = classify(uow, response_id, stance="opposed", actor="t", clock=delivered.clock)
        assert (changed.kind, changed.stance) == ("acknowledgement", "opposed")


def test_a_milestone_with_letter_none_makes_no_batch(services: Services) -> None:
    """``letter: none`` fires the milestone (recorded once) without a batch."""
    appeal = load_appeal(APPEAL)
    quiet = [m.model_copy(update={"letter": "none"}) for m in appeal.milestones[:1]]
    load_examples(services, appeal.model_copy(update={"milestones": quiet}))
    assert set_signatures(services, 15_240).batch is None
    with services.db.unit_of_work(write=False) as uow:
        campaign_id = get_campaign(uow, CAMPAIGN).id
        fired = uow.scalars(
            select(MilestoneFiring).where(MilestoneFiring.campaign_id == campaign_id)
        )
        assert [(f.milestone_key, f.batch_id) for f in fired] == [("goal-15000", None)]
    assert isinstance(quiet[0], Milestone)


def test_went_out_is_the_delivery_lifecycles_set() -> None:
    """The thread's 'delivered' states are exactly the outbox's (delivery.states.WENT_OUT)."""
    from campaigns.threads import WENT_OUT
    from delivery.states import WENT_OUT as LIFECYCLE

    assert {str(s) for s in LIFECYCLE} == WENT_OUT
