"""Job functions the scheduler calls by reference; each builds services and calls one service.

Rule: a job takes ids only (never objects that must be pickled) and is safe to run twice.
"""

from __future__ import annotations

import bootstrap
from campaigns.milestones import fire_due_milestones
from storage.tables import Campaign


def fire_dated_milestones() -> int:
    """Fire every campaign's date milestones that have come due; return batches created."""
    services = bootstrap.build()
    created = 0
    try:
        with services.db.unit_of_work() as uow:
            for campaign in uow.query(Campaign).all():
                batch = fire_due_milestones(
                    uow,
                    campaign,
                    identities=services.identities,
                    actor="scheduler",
                    clock=services.clock,
                )
                created += batch is not None
    finally:
        services.close()
    return created


def drain_outbox() -> int:
    """Deliver whatever is due in the outbox; return how many rows were handled."""
    services = bootstrap.build()
    try:
        return sum(services.worker().drain_sync().done.values())
    finally:
        services.close()
