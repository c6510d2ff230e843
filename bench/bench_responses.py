"""Replies in: matching a mistyped token among 100,000 letters, and importing token replies.

Rule: both use the real services. The guess is ``responses.matching.guess_token`` (candidates
sharing the first or last four characters, then edit distance); the baseline computes the edit
distance to every stored token. The import figure is 10,000 replies through the importer the
CLI and IMAP fetch use (``Services.intake``: parse boundary, classify, match, store raw,
insert, audit), one reply and one transaction each: nine in ten answer by token, one in
twenty is an Outlook out-of-office, one in twenty matches nothing and goes to the pen.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import insert, select

from bench import Report
from bench.world import services_in
from bootstrap import Services
from campaigns.store import get_campaign
from responses.matching import edit_distance, guess_token
from storage.tables import Addressee, Batch, Letter
from tests.helpers import CAMPAIGN, load_examples
from tests.responses.samples import outlook_ooo, person

LETTERS = 100_000
REPLIES = 10_000
GUESSES = 50


def _fill(s: Services, count: int) -> list[str]:
    """A batch with ``count`` letters (one addressee, many batches is not needed for matching)."""
    now = datetime(2021, 9, 8, tzinfo=UTC)
    with s.db.unit_of_work() as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        addressee_ids = list(uow.scalars(select(Addressee.id)))
        tokens = []
        for start in range(0, count, len(addressee_ids)):
            batch = Batch(
                campaign_id=campaign.id,
                reason="bench",
                campaign_version=1,
                signature_count=0,
                signatures_as_of=now,
                created_at=now,
                created_by="b",
            )
            uow.add(batch)
            uow.flush()
            rows = []
            for addressee_id in addressee_ids[: count - start]:
                identity = s.identities.new_identity()
                tokens.append(identity.reply_token)
                rows.append(
                    {
                        "batch_id": batch.id,
                        "addressee_id": addressee_id,
                        "language": "en",
                        "status": "approved",
                        "message_id": identity.message_id,
                        "reply_token": identity.reply_token,
                    }
                )
            uow.execute(insert(Letter), rows)
    return tokens


def _reply(s: Services, n: int, token: str) -> bytes:
    address = s.identities.reply_to(token)
    if n % 20 == 1:
        return outlook_ooo(address, f"<bench-{n}@x>", "de")
    if n % 20 == 2:
        return person(f"Someone {n} <someone{n}@unknown.example>", "office@x.example")
    return person("Desk <desk@mfa.example>", address)


def run(report: Report) -> None:
    s = services_in(report.workdir)
    load_examples(s)
    report.note(f"filling {LETTERS:,} letters")
    tokens = _fill(s, LETTERS)
    typos = [t[:7] + t[8:] for t in tokens[:: LETTERS // GUESSES]]
    with s.db.unit_of_work(write=False) as uow:
        began = time.perf_counter()
        found = [guess_token(uow, typo) for typo in typos]
        guess = (time.perf_counter() - began) / len(typos)
        assert all(f is not None for f in found)
        began = time.perf_counter()
        every = list(uow.scalars(select(Letter.reply_token)))
        for typo in typos[:1]:
            min(edit_distance(typo, t) for t in every)
        naive = time.perf_counter() - began
    report.figure("guess_ms", guess * 1000, "ms per mistyped token")
    report.figure("guess_naive_ms", naive * 1000, "ms per token, distance to every token")
    replies = [_reply(s, n, token) for n, token in enumerate(tokens[:REPLIES])]
    intake = s.intake()
    began, cpu = time.perf_counter(), time.process_time()
    outcomes = Counter(intake(raw).outcome for raw in replies)
    report.figure("import_rate", REPLIES / (time.perf_counter() - began), "replies/s")
    # The same work per CPU second of this process: what the code costs when the machine's
    # cores are shared with other work (the wall-clock rate above then varies run to run).
    report.figure("import_cpu_rate", REPLIES / (time.process_time() - cpu), "replies/CPU-s")
    report.note(", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())))
    assert outcomes["stored"] == REPLIES - REPLIES // 20, outcomes
    s.close()
