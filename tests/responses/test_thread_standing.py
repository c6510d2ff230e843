"""The SQL standings credit answers as ``campaigns.threads`` does: answer times from the letter
an answer names (token) or else from the newest delivery before it, across every batch."""

from __future__ import annotations

import random

from sqlalchemy import select

from bootstrap import Services
from responses.report import response_report
from responses.standing import S, answer_days
from storage.tables import Batch, Campaign, Letter, Response
from tests.responses.test_standing import written_world


def _name_letters(s: Services, campaign_id: int) -> None:
    """Half of the answers name one of their addressee's letters by token (any batch)."""
    rng = random.Random(7)
    with s.db.unit_of_work() as uow:
        for response in uow.scalars(select(Response).order_by(Response.id)):
            letters = list(
                uow.scalars(
                    select(Letter.id)
                    .join(Batch)
                    .where(Batch.campaign_id == campaign_id)
                    .where(Letter.addressee_id == response.addressee_id)
                )
            )
            if letters and rng.random() < 0.5:
                response.letter_id, response.matched_by = rng.choice(letters), "token"


def test_answer_times_agree_with_the_report(services: Services) -> None:
    """Days to answer from the SQL standings equal the report's, addressee by addressee."""
    campaign_id = written_world(services)
    _name_letters(services, campaign_id)
    with services.db.unit_of_work(write=False) as uow:
        rows = response_report(
            uow, uow.get_one(Campaign, campaign_id), working_days=services.settings.answer_deadlines
        )
        sql = sorted(answer_days(uow, campaign_id))
        query = select(S.delivered_at).where(S.campaign_id == campaign_id)
        delivered = list(uow.scalars(query))
    assert sql == sorted(r.days_to_answer for r in rows if r.days_to_answer is not None)
    assert sorted(d for d in delivered if d) == sorted(
        r.delivered_at for r in rows if r.delivered_at
    )
