"""The delivery lifecycle: the transition table, the one move function, the database CHECK."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bootstrap import Services
from delivery.states import TRANSITIONS, IllegalTransition, State, move
from storage.tables import Delivery
from tests.delivery.builders import email_rows

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def row(state: State) -> Delivery:
    return Delivery(id=1, state=state.value)


def test_sent_only_moves_to_bounced() -> None:
    """The table lets a sent delivery become bounced and nothing else."""
    assert TRANSITIONS[State.SENT] == {State.BOUNCED}


def test_an_illegal_move_raises_and_changes_nothing() -> None:
    """sent → retry_wait (a delayed DSN, once) is refused and the row stays sent."""
    delivery = row(State.SENT)
    with pytest.raises(IllegalTransition, match="sent; it cannot become retry_wait"):
        move(delivery, State.RETRY_WAIT, at=AT)
    assert delivery.state == "sent"


def test_a_finishing_move_stamps_the_time_and_drops_the_lease() -> None:
    """Moving to failed sets finished_at, clears the lease and records the error."""
    delivery = row(State.SENDING)
    delivery.lease_until = AT
    move(delivery, State.FAILED, at=AT, error="550 no such desk")
    assert (delivery.finished_at, delivery.lease_until, delivery.last_error) == (
        AT,
        None,
        "550 no such desk",
    )


def test_every_state_is_reachable_from_queued() -> None:
    """No state in the enum is dead: each can be reached by moves from queued."""
    seen, todo = {State.QUEUED}, [State.QUEUED]
    while todo:
        for target in TRANSITIONS[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    assert seen == set(State)


def test_the_database_refuses_a_state_outside_the_enum(services: Services) -> None:
    """The CHECK constraint of migration 0008 rejects a bare string no one declared."""
    [delivery_id] = email_rows(services, ["desk@mfa.example"])
    with pytest.raises(IntegrityError), services.db.unit_of_work() as uow:
        uow.execute(
            text("UPDATE deliveries SET state = 'delivered' WHERE id = :i"), {"i": delivery_id}
        )
