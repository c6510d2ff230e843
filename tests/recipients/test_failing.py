"""Failing contacts: a permanent rejection or a bounce is listed until the contact is fixed
or confirmed after it; groups are lists or filters, never both."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bootstrap import Services
from errors import InputError
from recipients import provenance, selection
from recipients.failing import failing_contacts, flag_contact
from storage.tables import Addressee, ChannelCheck, Delivery, Letter
from tests.delivery.steps import approve_and_enqueue
from tests.delivery.test_enqueue import rendered_batch

KEY = "european-commission"  # an example addressee reached by email


def rejected(s: Services) -> None:
    """The example letters queued; the Commission's email refused with a 5xx."""
    approve_and_enqueue(s, rendered_batch(s))
    with s.db.unit_of_work() as uow:
        delivery = uow.scalars(
            select(Delivery)
            .join(Letter, Delivery.letter_id == Letter.id)
            .join(Addressee, Letter.addressee_id == Addressee.id)
            .where(Addressee.key == KEY)
        ).one()
        delivery.state, delivery.last_error = "failed", "550 5.1.1 mailbox unavailable"
        delivery.finished_at = s.clock.now()


def failing(s: Services) -> list[tuple[str, str, str]]:
    with s.db.unit_of_work(write=False) as uow:
        return [(f.key, f.contact, f.reason) for f in failing_contacts(uow)]


def test_a_permanent_rejection_is_failing(services: Services) -> None:
    """A delivery refused with 5xx puts its email among the failing contacts."""
    rejected(services)
    assert failing(services) == [(KEY, "email", "550 5.1.1 mailbox unavailable")]


def test_a_new_address_ends_the_failure(services: Services) -> None:
    """Once staff set another email, the old address's rejection no longer counts."""
    rejected(services)
    with services.db.unit_of_work() as uow:
        provenance.set_fields(
            uow, KEY, {"email": "desk@ec.example"}, actor="staff", clock=services.clock
        )
    assert failing(services) == []


def test_a_later_confirmation_ends_the_failure(services: Services) -> None:
    """Confirming the address after the rejection (e.g. the server was fixed) settles it."""
    rejected(services)
    services.clock.advance(timedelta(days=1))
    with services.db.unit_of_work() as uow:
        provenance.verify(uow, KEY, by="Alesia", actor="staff", clock=services.clock)
    assert failing(services) == []


def test_confirming_clears_the_open_check(services: Services) -> None:
    """A flagged channel (a web form gone, a bounce) is cleared, audited, by a confirmation."""
    approve_and_enqueue(services, rendered_batch(services))
    with services.db.unit_of_work() as uow:
        flag_contact(uow, KEY, "email", reason="bounced", actor="t", clock=services.clock)
    assert failing(services) == [(KEY, "email", "bounced")]
    with services.db.unit_of_work() as uow:
        provenance.verify(uow, KEY, by="Alesia", actor="staff", clock=services.clock)
        open_checks = uow.scalars(select(ChannelCheck).where(ChannelCheck.cleared_at.is_(None)))
        assert list(open_checks) == []
    assert failing(services) == []


def test_a_group_cannot_mix_keys_and_filters() -> None:
    """A group is a list of keys or a filter; a group with both is refused with the reason."""
    with pytest.raises(ValueError, match="either a list of keys or a filter"):
        selection.Group(title="t", keys=["a"], categories=["government"])


def test_group_kind_names_lists_and_filters() -> None:
    """Saved keys make a list; categories, countries or tags make a filter."""
    assert selection.group_kind({"keys": ["a"]}) == "list"
    assert selection.group_kind({"keys": [], "tags": ["eu27"]}) == "filter"


def test_flag_refuses_an_unknown_contact(services: Services) -> None:
    """Only email, postal_address and web_form can be flagged."""
    with services.db.unit_of_work() as uow, pytest.raises(InputError):
        flag_contact(uow, KEY, "fax", reason="x", actor="t", clock=services.clock)
