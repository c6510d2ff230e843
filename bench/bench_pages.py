"""Staff pages under load: p95 of the dashboard, review queue and report pages, served by the
real app (in process, through its ASGI stack, logged in) from a database with 10,000 letters
awaiting review and 100,000 deliveries.

Rule: the data is bulk-inserted (ten campaigns; 2,000 addressees; per campaign one batch of
1,000 letters in review and five delivered batches of 2,000 letters, each with its email
delivery, mostly sent, some failed, retrying or queued; answers from a third of the
addressees). Each page is requested REPEAT times after a warm-up; the naive baseline answers
the same question the way an ORM invites: one query per row (N+1), timed on fewer requests.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from bench import Report
from bench.world import ACTOR, EXAMPLES, services_in
from bootstrap import Services
from campaigns.appeal import load_appeal
from campaigns.store import create_campaign
from review.queue import queue
from storage.tables import (
    Addressee,
    Batch,
    Campaign,
    Delivery,
    Document,
    Letter,
    Response,
    SignatureCount,
    User,
)
from tests.web.steps import add_staff, log_in
from web.app import create_app

CAMPAIGNS, ADDRESSEES, REVIEW_PER_CAMPAIGN, DELIVERED_BATCHES = 10, 2_000, 1_000, 5
REPEAT, WARM = 40, 3
STATES = ["sent"] * 90 + ["failed"] * 3 + ["retry_wait"] * 3 + ["queued"] * 4


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def _campaigns(s: Services) -> list[int]:
    base = load_appeal(EXAMPLES / "appeal-derecognition.yaml")
    with s.db.unit_of_work() as uow:
        ids = []
        for i in range(CAMPAIGNS):
            appeal = base.model_copy(update={"key": f"campaign-{i}", "title": f"Campaign {i}"})
            campaign, _ = create_campaign(uow, appeal, actor=ACTOR, clock=s.clock)
            ids.append(campaign.id)
            for day in range(30):
                uow.add(
                    SignatureCount(
                        campaign_id=campaign.id,
                        count=500 * (day + 1) * (i + 1),
                        as_of=s.clock.now() - timedelta(days=30 - day),
                        source="bench",
                        recorded_at=s.clock.now(),
                    )
                )
    return ids


def _addressees(s: Services) -> None:
    rows = [
        {
            "key": f"addressee-{i:05d}",
            "name": f"Ministry number {i}",
            "category": "government",
            "country": "LT",
            "email": f"office{i}@gov.example",
            "updated_at": s.clock.now(),
        }
        for i in range(ADDRESSEES)
    ]
    with s.db.unit_of_work() as uow:
        uow.execute(insert(Addressee), rows)


def _batch(uow: Any, s: Services, campaign_id: int, reason: str) -> int:
    batch = Batch(
        campaign_id=campaign_id,
        reason=reason,
        campaign_version=1,
        signature_count=1,
        signatures_as_of=s.clock.now(),
        created_at=s.clock.now(),
        created_by=ACTOR,
    )
    uow.add(batch)
    uow.flush()
    return batch.id


def _letters(uow: Any, s: Services, batch_id: int, count: int, status: str) -> list[int]:
    uow.execute(
        insert(Letter),
        [
            {
                "batch_id": batch_id,
                "addressee_id": a + 1,
                "language": "en",
                "status": status,
                "message_id": f"<b{batch_id}-{a}@bench>",
                "reply_token": f"b{batch_id}-{a}",
                "rendered_at": s.clock.now(),
            }
            for a in range(count)
        ],
    )
    return list(
        uow.scalars(select(Letter.id).where(Letter.batch_id == batch_id).order_by(Letter.id))
    )


def _documents(uow: Any, s: Services, letter_ids: list[int], formats: tuple[str, ...]) -> None:
    uow.execute(
        insert(Document),
        [
            {
                "letter_id": lid,
                "format": f,
                "revision": 1,
                "path": f"x/{lid}.{f}",
                "media_type": "application/octet-stream",
                "sha256": "0" * 64,
                "size": 90_000,
                "created_at": s.clock.now(),
            }
            for lid in letter_ids
            for f in formats
        ],
    )


def _deliveries(uow: Any, s: Services, letter_ids: list[int], rng: random.Random) -> None:
    docs = dict(
        uow.execute(
            select(Document.letter_id, Document.id).where(
                Document.letter_id.in_(letter_ids), Document.format == "email"
            )
        ).all()
    )
    rows = []
    for lid in letter_ids:
        state = rng.choice(STATES)
        done = s.clock.now() - timedelta(days=rng.randint(1, 90))
        rows.append(
            {
                "letter_id": lid,
                "document_id": docs[lid],
                "channel": "email",
                "recipient": "office@gov.example",
                "state": state,
                "attempts": 1,
                "next_attempt_at": s.clock.now(),
                "message_id": f"<d{lid}@bench>",
                "sha256": "0" * 64,
                "created_at": done,
                "last_error": "451 try later" if state in {"failed", "retry_wait"} else "",
                "finished_at": done if state in {"sent", "failed"} else None,
            }
        )
    uow.execute(insert(Delivery), rows)


def fill(s: Services) -> None:
    """The whole data set, campaign by campaign, one transaction each."""
    rng = random.Random(7)
    _addressees(s)
    for cid in _campaigns(s):
        with s.db.unit_of_work() as uow:
            for n in range(DELIVERED_BATCHES):
                batch = _batch(uow, s, cid, f"milestone {n}")
                ids = _letters(uow, s, batch, ADDRESSEES, "approved")
                _documents(uow, s, ids, ("email",))
                _deliveries(uow, s, ids, rng)
            review = _batch(uow, s, cid, "milestone review")
            _documents(
                uow, s, _letters(uow, s, review, REVIEW_PER_CAMPAIGN, "review"), ("pdf", "email")
            )
            uow.execute(
                insert(Response),
                [
                    {
                        "campaign_id": cid,
                        "addressee_id": a + 1,
                        "kind": "response",
                        "channel": "email",
                        "summary": "Thank you",
                        "received_at": s.clock.now() - timedelta(days=3),
                        "matched_by": "token",
                    }
                    for a in range(0, ADDRESSEES, 3)
                ],
            )


def _naive_dashboard(s: Services) -> None:
    """Per campaign, per letter: its deliveries and its addressee's answers, one query each."""
    with s.db.unit_of_work(write=False) as uow:
        for campaign in uow.scalars(select(Campaign)):
            letters = uow.scalars(
                select(Letter).join(Batch).where(Batch.campaign_id == campaign.id)
            )
            for letter in letters:
                for d in uow.scalars(select(Delivery).where(Delivery.letter_id == letter.id)):
                    _ = d.state
                uow.scalar(
                    select(Response.id)
                    .where(
                        Response.addressee_id == letter.addressee_id,
                        Response.campaign_id == campaign.id,
                    )
                    .limit(1)
                )


def _naive_review(s: Services) -> None:
    """``review.queue.queue`` over everything waiting: one documents query per letter."""
    with s.db.unit_of_work(write=False) as uow:
        queue(uow)


def _naive_report(s: Services) -> None:
    """Per addressee: the newest letter and its first delivery, one query each."""
    with s.db.unit_of_work(write=False) as uow:
        campaign = uow.scalars(select(Campaign).order_by(Campaign.id)).first()
        assert campaign is not None
        for addressee in uow.scalars(select(Addressee)):
            letter = uow.scalar(
                select(Letter)
                .join(Batch)
                .where(Batch.campaign_id == campaign.id, Letter.addressee_id == addressee.id)
                .order_by(Letter.id.desc())
                .limit(1)
            )
            if letter is not None:
                uow.scalar(select(Delivery).where(Delivery.letter_id == letter.id).limit(1))


def _time(call: Callable[[], object], repeat: int, warm: int) -> list[float]:
    for _ in range(warm):
        call()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def run(report: Report) -> None:
    s = services_in(report.workdir)
    try:
        began = time.perf_counter()
        fill(s)
        with s.db.engine.begin() as connection:
            # Table statistics, as a database in use has them (SQLite gathers none by itself;
            # PostgreSQL's autovacuum does): without them SQLite ignores the new indexes.
            connection.exec_driver_sql("ANALYZE")
        report.note(f"filled in {time.perf_counter() - began:.1f} s")
        add_staff(s)
        with TestClient(create_app(s)) as client:
            log_in(s, client, "viewer")
            pages = {"dashboard": "/", "review": "/review", "report": "/reports/campaign-0"}
            naive = {
                "dashboard": _naive_dashboard,
                "review": _naive_review,
                "report": _naive_report,
            }
            for name, path in pages.items():
                assert client.get(path).status_code == 200
                ours = _p95(_time(lambda p=path: client.get(p), REPEAT, WARM))
                # The N+1 dashboard issues ~200,000 queries: once is enough to compare.
                runs = 1 if name == "dashboard" else 3
                baseline = _p95(_time(lambda f=naive[name]: f(s), runs, 0))
                report.versus(f"page_p95_{name}", "ms", value=ours, baseline=baseline)
                report.headline(f"page_p95_{name}", ours, "ms", ratio=ours / baseline)
        with s.db.unit_of_work(write=False) as uow:
            assert uow.query(User).count() == 4
    finally:
        s.close()
