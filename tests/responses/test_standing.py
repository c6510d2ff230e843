"""The SQL statuses (``responses.standing`` over the trigger-kept ``answer_standings``) agree
with ``response_report`` addressee by addressee, and stay in step as rows change."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from bootstrap import Services
from campaigns.store import get_campaign
from responses.report import response_report
from responses.standing import cutoff, standings, status_counts
from responses.status import set_status
from responses.summary import summary
from storage.tables import Addressee, Batch, Campaign, Delivery, Document, Letter, Response
from tests.helpers import CAMPAIGN, load_examples
from timeutil import due_on

COUNTRIES = ("LT", "PL", "US", "DE", "GB", "")
STATES = ("sent", "written", "failed", "queued", "retry_wait", "cancelled")


def _addressees(s: Services, n: int) -> None:
    with s.db.unit_of_work() as uow:
        uow.execute(
            insert(Addressee),
            [
                {
                    "key": f"a-{i:03d}",
                    "name": f"Office {i}",
                    "category": ("government", "parliament", "")[i % 3],
                    "country": COUNTRIES[i % len(COUNTRIES)],
                    "email": f"o{i}@gov.example",
                    "updated_at": s.clock.now(),
                }
                for i in range(n)
            ],
        )


def _batch(uow: object, s: Services, campaign_id: int, ids: list[int], rng: random.Random) -> None:
    """A batch with letters to ``ids``, each with 0-2 deliveries in random states and times."""
    batch = Batch(
        campaign_id=campaign_id,
        reason="test",
        campaign_version=1,
        signature_count=1,
        signatures_as_of=s.clock.now(),
        created_at=s.clock.now(),
        created_by="test",
    )
    uow.add(batch)  # type: ignore[attr-defined]
    uow.flush()  # type: ignore[attr-defined]
    document_id = None
    for aid in ids:
        letter = Letter(
            batch_id=batch.id,
            addressee_id=aid,
            language="en",
            status="approved",
            message_id=f"<{batch.id}-{aid}@t>",
            reply_token=f"t{batch.id}-{aid}",
        )
        uow.add(letter)  # type: ignore[attr-defined]
        uow.flush()  # type: ignore[attr-defined]
        if document_id is None:  # deliveries need a document row; one serves them all
            document = Document(
                letter_id=letter.id,
                format="email",
                path="x.eml",
                media_type="message/rfc822",
                sha256="0" * 64,
                size=1,
                created_at=s.clock.now(),
            )
            uow.add(document)  # type: ignore[attr-defined]
            uow.flush()  # type: ignore[attr-defined]
            document_id = document.id
        for channel in ("email", "postal")[: rng.choice((0, 1, 1, 2))]:
            state = rng.choice(STATES)
            done = s.clock.now() - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
            uow.add(  # type: ignore[attr-defined]
                Delivery(
                    letter_id=letter.id,
                    document_id=document_id,
                    channel=channel,
                    recipient="x@gov.example",
                    state=state,
                    next_attempt_at=done,
                    message_id=f"<d{letter.id}{channel}@t>",
                    sha256="0" * 64,
                    created_at=done,
                    finished_at=done if state != "queued" else None,
                )
            )


@pytest.fixture
def world(services: Services) -> int:
    return written_world(services)


def written_world(services: Services) -> int:
    """The example campaign written to 60 addressees in three batches (newer letters to some),
    with answers and acknowledgements; its id."""
    rng = random.Random(3)
    load_examples(services)
    _addressees(services, 60)
    with services.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        ids = list(uow.scalars(select(Addressee.id).where(Addressee.key.like("a-%"))))
        for chosen in (ids, ids[::2], ids[::5]):
            _batch(uow, services, campaign.id, chosen, rng)
        for aid in ids[::3]:
            kind = rng.choice(("response", "response", "acknowledgement"))
            uow.add(
                Response(
                    campaign_id=campaign.id,
                    addressee_id=aid,
                    kind=kind,
                    channel="email",
                    received_at=services.clock.now() - timedelta(days=rng.randint(0, 30)),
                )
            )
        return campaign.id


def _compare(s: Services, campaign_id: int, today: date) -> Counter[str]:
    with s.db.unit_of_work(write=False) as uow:
        campaign = uow.get_one(Campaign, campaign_id)
        expected = {
            r.addressee_key: r.status
            for r in response_report(uow, campaign, today=today, working_days=20)
        }
        query = standings(uow, today=today, working_days=20, campaign_id=campaign_id)
        got = {a.key: status for _, a, status in uow.execute(query)}
        counts = status_counts(uow, today=today, working_days=20, campaign_id=campaign_id)
    assert got == expected
    assert {st: n for (_, st), n in counts.items()} == Counter(expected.values())
    return Counter(expected.values())


def test_cutoff_is_the_last_day_due_before_today() -> None:
    """Every day up to the cut-off is due before today; the day after is not."""
    for country in ("LT", "PL", "US", ""):
        for today in (date(2024, 1, 2), date(2024, 5, 6), date(2024, 12, 30)):
            last = cutoff(today, working_days=20, country=country)
            assert due_on(last, working_days=20, country=country) < today
            after = last + timedelta(days=1)
            assert due_on(after, working_days=20, country=country) >= today


def test_statuses_agree_with_the_report_on_many_days(services: Services, world: int) -> None:
    """For days from the first delivery to long after, each addressee has the same status."""
    start = services.clock.now().date() - timedelta(days=30)
    seen: Counter[str] = Counter()
    for offset in range(0, 120, 7):
        seen += _compare(services, world, start + timedelta(days=offset))
    assert {"overdue", "awaiting", "responded", "acknowledged", "not delivered"} <= set(seen)


def test_statuses_follow_changes_to_deliveries_answers_and_hand_set_statuses(
    services: Services, world: int
) -> None:
    """Triggers keep the standings current: a queued letter sent, an answer deleted, a status
    set and cleared, a newer letter added."""
    today = services.clock.now().date() + timedelta(days=40)
    with services.db.unit_of_work() as uow:
        for delivery in uow.scalars(select(Delivery).where(Delivery.state == "queued")):
            delivery.state, delivery.finished_at = "sent", services.clock.now()
        first = uow.scalars(select(Response).order_by(Response.id)).first()
        assert first is not None
        uow.delete(first)
    _compare(services, world, today)
    with services.db.unit_of_work() as uow:
        set_status(uow, CAMPAIGN, "a-001", "refused", actor="t", clock=services.clock)
        set_status(uow, CAMPAIGN, "a-002", "no-response-needed", actor="t", clock=services.clock)
    assert _compare(services, world, today)["refused"] == 1
    with services.db.unit_of_work() as uow:
        set_status(uow, CAMPAIGN, "a-001", "clear", actor="t", clock=services.clock)
        ids = list(uow.scalars(select(Addressee.id).where(Addressee.key.like("a-00%"))))
        _batch(uow, services, world, ids, random.Random(9))
    assert _compare(services, world, today)["refused"] == 0


def test_summary_counts_as_the_report_figures(services: Services, world: int) -> None:
    """The page's totals and rates equal those ``advocacy report`` computes from every row."""
    from responses.figures import breakdown, rate

    today = services.clock.now().date() + timedelta(days=10)
    with services.db.unit_of_work() as uow:
        set_status(uow, CAMPAIGN, "a-004", "no-response-needed", actor="t", clock=services.clock)
    with services.db.unit_of_work(write=False) as uow:
        campaign = uow.get_one(Campaign, world)
        rows = response_report(uow, campaign, today=today, working_days=20)
        totals = summary(uow, campaign, today=today, working_days=20)
    assert totals.written_to == len(rows)
    assert totals.overall == rate("all addressees", rows)
    expected = [
        (r.label, r.delivered, r.answered, r.rate) for r in breakdown(rows, lambda r: r.category)
    ]
    assert [(r.label, r.delivered, r.answered, r.rate) for r in totals.by_category] == expected
    assert sorted(totals.timeline.deliveries) == sorted(
        {r.delivered_at for r in rows if r.delivered_at}
    )


def test_every_trigger_survives_the_migrations(services: Services) -> None:
    """All nine triggers exist at the newest schema: an SQLite batch rebuild of letters,
    deliveries, responses or addressee_statuses in a later migration drops a table's triggers,
    and that migration must create them again."""
    from sqlalchemy import text

    engine = services.db.engine
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as connection:
        names = {n for (n,) in connection.execute(text(query)) if "answer_standings" in n}
    tables = {"letters": 1, "deliveries": 2, "responses": 3, "addressee_statuses": 3}
    assert len(names) == sum(tables.values()), sorted(names)
