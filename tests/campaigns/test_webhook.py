"""campaigns.webhook: signed calls add signers or set the count; anything else stores nothing."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from bootstrap import Services
from campaigns.webhook import (
    WebhookLimits,
    WebhookOutcome,
    accept_signatures,
    new_webhook_secret,
    sign,
)
from errors import InputError, NotFound, PayloadTooLarge, Unauthenticated
from storage.tables import AuditEntry, Letter, SignatureCount, Signer
from tests.campaigns.steps import batch_ids, count, firings, rows, start_campaign
from tests.helpers import CAMPAIGN
from timeutil import FixedClock

LIMITS = WebhookLimits(max_bytes=64 * 1024, replay=timedelta(minutes=5))


@pytest.fixture
def secret(services: Services) -> str:
    """The example campaign, with a webhook secret."""
    start_campaign(services)
    with services.db.unit_of_work() as uow:
        return new_webhook_secret(uow, CAMPAIGN, actor="test", clock=services.clock)


def signature(email: str, **extra: Any) -> dict[str, Any]:
    """One OSDI-style signature."""
    person = {
        "given_name": "Anna",
        "family_name": "Schmidt",
        "email_addresses": [{"address": email, "primary": True}],
        "postal_addresses": [{"locality": "Berlin", "country": "DE"}],
    }
    return {"person": person, "created_date": "2021-09-08T08:00:00Z", **extra}


def call(
    s: Services,
    secret: str,
    body: dict[str, Any] | bytes,
    *,
    at: int | None = None,
    limits: WebhookLimits = LIMITS,
) -> WebhookOutcome:
    """Send ``body`` signed with ``secret`` at unix time ``at`` (default: the clock's now)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    timestamp = str(at if at is not None else int(s.clock.now().timestamp()))
    with s.db.unit_of_work() as uow:
        return accept_signatures(
            uow,
            CAMPAIGN,
            raw,
            sign(secret, timestamp, raw),
            timestamp,
            keys=s.email_keys,
            recorder=s.recorder("webhook"),
            limits=limits,
        )


def stored(s: Services) -> tuple[int, int]:
    """(signers, signature snapshots) stored."""
    return rows(s, Signer), rows(s, SignatureCount)


class TestAccepted:
    def test_single_signature(self, services: Services, secret: str) -> None:
        """One OSDI signature becomes one signer and raises the count by one."""
        outcome = call(services, secret, signature("anna@example.org"))
        assert (outcome.received, outcome.new, outcome.count.current) == (1, 1, 1)

    def test_batch(self, services: Services, secret: str) -> None:
        """A batch adds each new signer once, however often it appears."""
        body = {"signatures": [signature(f"s{i % 3}@example.org") for i in range(5)]}
        outcome = call(services, secret, body)
        assert (outcome.received, outcome.new) == (5, 3)

    def test_osdi_embedded_batch(self, services: Services, secret: str) -> None:
        """A batch in OSDI's `_embedded` form is read like a plain one."""
        body = {"_embedded": {"osdi:signatures": [signature("a@example.org")]}}
        assert call(services, secret, body).new == 1

    def test_bare_count(self, services: Services, secret: str) -> None:
        """`{"count": N}` sets the count and fires the milestone it crosses."""
        outcome = call(services, secret, {"count": 15_240})
        assert outcome.count.batch is not None
        assert batch_ids(services) == [outcome.count.batch.id]

    def test_replay_changes_nothing(self, services: Services, secret: str) -> None:
        """The same signed call twice (inside the window) counts its signer once."""
        body = json.dumps(signature("anna@example.org")).encode()
        call(services, secret, body)
        assert call(services, secret, body).new == 0
        assert stored(services) == (1, 1)


class TestRefused:
    def test_wrong_signature(self, services: Services, secret: str) -> None:
        """A body signed with another secret is unauthenticated and stores nothing."""
        with pytest.raises(Unauthenticated, match="does not match"):
            call(services, "not-the-secret", signature("a@example.org"))
        assert stored(services) == (0, 0)

    def test_tampered_body(self, services: Services, secret: str) -> None:
        """A body changed after signing is refused."""
        raw = json.dumps({"count": 10}).encode()
        timestamp = str(int(services.clock.now().timestamp()))
        with services.db.unit_of_work() as uow, pytest.raises(Unauthenticated):
            accept_signatures(
                uow,
                CAMPAIGN,
                raw.replace(b"10", b"99999"),
                sign(secret, timestamp, raw),
                timestamp,
                keys=services.email_keys,
                recorder=services.recorder(),
                limits=LIMITS,
            )

    def test_stale_timestamp(self, services: Services, secret: str, clock: FixedClock) -> None:
        """A correctly signed call from outside the replay window is refused."""
        old = int((clock.now() - timedelta(minutes=6)).timestamp())
        with pytest.raises(Unauthenticated, match="replay window"):
            call(services, secret, {"count": 5}, at=old)

    def test_webhook_off_without_secret(self, services: Services) -> None:
        """A campaign that never got a secret refuses every call."""
        start_campaign(services)
        with pytest.raises(Unauthenticated, match="off"):
            call(services, "", {"count": 5})

    def test_unknown_campaign(self, services: Services) -> None:
        """A call for a campaign that does not exist is NotFound."""
        with services.db.unit_of_work() as uow, pytest.raises(NotFound):
            accept_signatures(
                uow,
                "nope",
                b"{}",
                "",
                "0",
                keys=services.email_keys,
                recorder=services.recorder(),
                limits=LIMITS,
            )

    def test_too_large(self, services: Services, secret: str) -> None:
        """A body over the limit is refused before its signature is even checked."""
        small = WebhookLimits(max_bytes=1024, replay=LIMITS.replay)
        body = {"signatures": [signature(f"s{i}@example.org") for i in range(20)]}
        with pytest.raises(PayloadTooLarge):
            call(services, secret, body, limits=small)

    def test_bad_field_is_named(self, services: Services, secret: str) -> None:
        """An invalid value is reported with the path of its field; nothing is stored."""
        body = {"signatures": [signature("a@example.org"), signature("not-an-email")]}
        with pytest.raises(InputError) as caught:
            call(services, secret, body)
        (problem,) = caught.value.problems
        assert problem.field == "signatures.1.person.email_addresses.0.address"
        assert stored(services) == (0, 0)

    def test_missing_field_is_named(self, services: Services, secret: str) -> None:
        """A signature without a person is reported as that missing field."""
        with pytest.raises(InputError) as caught:
            call(services, secret, {"signatures": [{"created_date": "2021-09-01"}]})
        assert [(p.field, p.message) for p in caught.value.problems] == [
            ("signatures.0.person", "is missing")
        ]

    def test_not_json(self, services: Services, secret: str) -> None:
        """A body that is not JSON is refused as the body."""
        with pytest.raises(InputError) as caught:
            call(services, secret, b"count=5")
        assert caught.value.problems[0].field == "body"

    def test_failure_leaves_no_audit(self, services: Services, secret: str) -> None:
        """A refused call leaves no audit entry besides the secret's own."""
        before = rows(services, AuditEntry)
        with pytest.raises(Unauthenticated):
            call(services, "wrong", {"count": 5})
        assert rows(services, AuditEntry) == before


def test_concurrent_calls_across_the_threshold_make_one_batch(
    services: Services, secret: str
) -> None:
    """50 webhook calls racing past 15,000 add up exactly and fire the milestone once."""
    count(services, 14_980)
    barrier = threading.Barrier(50)

    def one(i: int) -> WebhookOutcome:
        barrier.wait(timeout=60)
        return call(services, secret, signature(f"racer{i}@example.org"))

    with ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(one, range(50)))
    assert sorted(o.count.current for o in outcomes) == list(range(14_981, 15_031))
    (batch,) = batch_ids(services)
    assert [o.count.batch.id for o in outcomes if o.count.batch] == [batch]
    assert firings(services) == [("goal-15000", 15_000, batch)]
    assert rows(services, Letter) == 8
