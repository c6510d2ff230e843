"""A campaign's whole life over simulated weeks: three milestones, replies to batch 1, a
reminder, progress letters; every report reads the whole thread (``campaigns.threads``)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import insert, select

from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.milestones import fire_due_milestones
from campaigns.store import get_campaign
from responses.follow_up import create_follow_ups
from responses.report import response_report
from responses.standing import status_counts
from storage.tables import Addressee, Batch, Document, Letter, Signer
from tests.delivery.steps import approve_and_enqueue
from tests.documents import stand_in_render
from tests.helpers import APPEAL, CAMPAIGN, load_examples, reach_milestone, render, set_signatures
from tests.responses.replies import import_reply, reply
from web.publishing import public_rows

WEEK = timedelta(days=7)


def _signers(s: Services, country: str, n: int, *, start: int) -> None:
    """``n`` signers from ``country``, signed now (rows only: no import file)."""
    with s.db.unit_of_work() as uow:
        campaign_id = get_campaign(uow, CAMPAIGN).id
        rows = [
            {
                "campaign_id": campaign_id,
                "email_key": f"{country}-{start + i}",
                "country": country,
                "signed_at": s.clock.now(),
                "source": "test",
            }
            for i in range(n)
        ]
        uow.execute(insert(Signer), rows)


def _deliver(s: Services, batch_id: int) -> None:
    stand_in_render(s, batch_id)  # the second batch's letters are read: rendered for real
    approve_and_enqueue(s, batch_id)
    s.worker().drain_sync()


def _letter(s: Services, batch_id: int, key: str) -> Letter:
    with s.db.unit_of_work(write=False) as uow:
        return uow.execute(
            select(Letter)
            .join(Addressee, Addressee.id == Letter.addressee_id)
            .where(Letter.batch_id == batch_id, Addressee.key == key)
        ).scalar_one()


def _pdf_text(s: Services, letter_id: int, tmp_path: Path) -> str:
    with s.db.unit_of_work(write=False) as uow:
        path = uow.scalars(
            select(Document.path).where(Document.letter_id == letter_id, Document.format == "pdf")
        ).one()
    out = subprocess.run(
        ["pdftotext", str(s.settings.documents_dir / path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(out.stdout.split())


def _figures(s: Services) -> tuple[int, int, dict[str, str], dict[str, int | None]]:
    """(addressees, delivered, status by key, credited batch by key) from the report, after
    checking that the SQL standings and the public page say the same."""
    today = s.clock.now().date()
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        rows = response_report(uow, campaign, today=today, working_days=20)
        counts = status_counts(uow, today=today, working_days=20, campaign_id=campaign.id)
        public = public_rows(uow, campaign, today=today, working_days=20)
    tally: dict[str, int] = {}
    for row in rows:
        tally[row.status] = tally.get(row.status, 0) + 1
    assert {st: n for (_, st), n in counts.items()} == tally
    assert [(p.status, p.delivered_at) for p in public] == [
        (r.status, r.delivered_at) for r in rows
    ]
    delivered = sum(r.delivered_at is not None for r in rows)
    return (
        len(rows),
        delivered,
        {r.addressee_key: r.status for r in rows},
        {r.addressee_key: r.answered_batch for r in rows},
    )


def test_three_milestones_keep_one_thread_per_addressee(services: Services, tmp_path: Path) -> None:
    """Over ten weeks, batch 2 and 3 never hide batch 1's deliveries or its answer, progress
    letters name the first letter's day, the increase and the Lithuanian signers."""
    s = services
    load_examples(s, load_appeal(APPEAL).model_copy(update={"local_support": True}))
    _signers(s, "LT", 3, start=0)
    first = reach_milestone(s, 15_240)
    _deliver(s, first)
    assert _figures(s)[:2] == (8, 7)

    s.clock.advance(timedelta(days=3))  # the FCDO answers batch 1 by its reply address
    fcdo = _letter(s, first, "uk-fcdo")
    to = s.identities.reply_to(fcdo.reply_token)
    import_reply(s, reply(to=to, date=format_datetime(s.clock.now())))

    s.clock.advance(WEEK)
    _signers(s, "LT", 2, start=3)
    _signers(s, "PL", 4, start=0)
    second = set_signatures(s, 50_500).batch
    assert second is not None
    assert second.kind == "progress"
    assert _figures(s)[:2] == (8, 7)  # the new batch hides nothing
    render(s, second.id)
    total, delivered, status, credited = _figures(s)
    assert (total, delivered, status["uk-fcdo"], credited["uk-fcdo"]) == (8, 7, "responded", first)

    english = _pdf_text(s, _letter(s, second.id, "mfa-lithuania").id, tmp_path)
    assert "On 8 September 2021 we sent you our appeal" in english
    assert "35,260 more people have signed it, 50,500 in all" in english
    assert "Signatories in Lithuania: 5." in english
    russian = _pdf_text(s, _letter(s, second.id, "mfa-ukraine").id, tmp_path)
    assert "8 сентября 2021 г. мы направили вам обращение" in russian
    assert "ещё 35 260, всего подписей 50 500 на 18 сентября 2021 г. Ниже" in russian

    approve_and_enqueue(s, second.id)
    s.worker().drain_sync()
    s.clock.advance(4 * WEEK)  # the silent are overdue: one reminder batch
    with s.db.unit_of_work() as uow:
        made = create_follow_ups(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=s.identities,
            working_days=20,
            clock=s.clock,
        )
    assert [b.kind for b in made] == ["reminder"]
    assert "uk-fcdo" not in {key for key, st in _figures(s)[2].items() if st == "overdue"}

    s.clock.current = datetime(2021, 11, 14, 9, 0, tzinfo=UTC)  # past the dated milestone
    with s.db.unit_of_work() as uow:
        third = fire_due_milestones(
            uow,
            get_campaign(uow, CAMPAIGN),
            identities=s.identities,
            actor="test",
            clock=s.clock,
            policy=s.missed_policy,
        )
        assert third is not None
        assert third.kind == "progress"
    total, delivered, status, credited = _figures(s)
    assert (total, delivered, credited["uk-fcdo"]) == (8, 7, first)
    with s.db.unit_of_work(write=False) as uow:
        kinds = list(uow.scalars(select(Batch.kind).order_by(Batch.id)))
    assert kinds == ["first", "progress", "reminder", "progress"]
