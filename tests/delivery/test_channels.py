"""Channels as a registry: the built-in three in fallback order, an unknown name refused, and a
new channel added by one module and one registration line, used by enqueue, worker and CLI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bootstrap
from campaigns.store import get_campaign
from cli.lazy import constant
from delivery.channels import REGISTRY
from delivery.outbox import enqueue
from errors import UnknownFormat
from tests.delivery.builders import email_rows
from tests.delivery.form_api_channel import FORM_API, POSTED
from tests.delivery.steps import deliveries
from tests.helpers import CAMPAIGN

FORM = "https://mfa.example/contact"


@pytest.fixture
def form_api() -> Iterator[None]:
    REGISTRY.register(FORM_API)  # the one line a new channel needs in bootstrap/channels.py
    POSTED.sent.clear()
    yield
    REGISTRY.unregister(FORM_API.name)


def test_the_built_in_channels_in_fallback_order() -> None:
    """Email first, then post, then the web form staff fill in; only email is automatic."""
    assert list(bootstrap.CHANNELS) == ["email", "postal", "manual"]
    assert bootstrap.CHANNELS.automatic() == ("email",)


def test_an_unknown_channel_is_refused_naming_the_known_ones() -> None:
    """Asking for a channel nobody registered raises UnknownFormat with the list."""
    with pytest.raises(UnknownFormat, match="unknown channel 'fax'; known: email, manual"):
        REGISTRY.spec("fax")


def test_a_registered_channel_is_enqueued_and_sent_by_the_worker(
    services: bootstrap.Services, form_api: None
) -> None:
    """An addressee reachable only by the new channel gets a row on it; the worker sends it
    through the channel's own transport."""
    email_rows(services, [""], queue=False, web_form=FORM)
    with services.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        report = enqueue(uow, campaign, actor="t", clock=services.clock, channels=REGISTRY)
    assert report.queued == ["row-00000"]
    [row] = deliveries(services)
    assert (row.channel, row.recipient) == ("form-api", FORM)
    assert services.worker().drain_sync().done == {"sent": 1}
    assert [e.recipients for e in POSTED.sent] == [(FORM,)]
    assert deliveries(services)[0].transport == "form-api"


def test_the_cli_offers_a_registered_channel(form_api: None) -> None:
    """The choices of `outbox checks clear --channel` are read from the registry."""
    assert "form-api" in constant("bootstrap:CHANNELS")()
