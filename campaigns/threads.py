"""One thread per (campaign, addressee): every letter (batch, kind), every delivery, every answer.

Rule: an addressee's standing comes from the whole thread, never from its newest letter: it was
delivered to if any letter went out (sent, or written to the outbox), it answered if any answer
arrived, and an answer is credited to the letter it names (reply token or In-Reply-To); an
answer that names none (logged by hand, matched by sender) is credited to the letter of the
newest delivery at or before its date. ``answer_standings`` (migration 0009) states the same
rule in SQL for the pages that count; ``tests/responses/test_standing.py`` compares the two.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from storage.tables import Batch, Delivery, Letter, Response

# Delivered: delivery.states.WENT_OUT spelled as strings, since campaigns sits below delivery
# (tests/campaigns/test_threads.py checks the two agree).
WENT_OUT = frozenset({"sent", "written"})
# Matching steps that name the very letter answered (``responses.matching``).
LETTER_MATCHES = frozenset({"token", "in-reply-to"})
_CHUNK = 1000


@dataclass(frozen=True)
class ThreadLetter:
    letter: Letter
    batch: Batch
    deliveries: tuple[Delivery, ...]  # in the order they were queued

    @property
    def delivered_at(self) -> datetime | None:
        """When the letter first went out, if it did."""
        times = [d.finished_at for d in self.deliveries if d.state in WENT_OUT and d.finished_at]
        return min(times) if times else None


@dataclass(frozen=True)
class Thread:
    campaign_id: int
    addressee_id: int
    letters: tuple[ThreadLetter, ...]  # oldest first
    responses: tuple[Response, ...]  # by received time

    @property
    def newest(self) -> ThreadLetter:
        return self.letters[-1]

    @property
    def delivered_at(self) -> datetime | None:
        """When the first of the thread's letters went out."""
        times = [t.delivered_at for t in self.letters if t.delivered_at is not None]
        return min(times) if times else None

    @property
    def answers(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if r.kind == "response")

    @property
    def first_answer(self) -> Response | None:
        return self.answers[0] if self.answers else None

    @property
    def acknowledged(self) -> bool:
        return any(r.kind != "response" for r in self.responses)

    def first_delivery(self) -> Delivery | None:
        """The delivery that went out first, else the newest letter's first row, if any."""
        went = [d for t in self.letters for d in t.deliveries if d.state in WENT_OUT]
        if went:
            return min(went, key=lambda d: (d.finished_at or datetime.max, d.id))
        return self.newest.deliveries[0] if self.newest.deliveries else None

    def credited(self, response: Response) -> tuple[ThreadLetter | None, datetime | None]:
        """The letter an answer is credited to, and when that letter went out (by the rule of
        this module's docstring)."""
        return self.credit(
            response.received_at, letter_id=response.letter_id, matched_by=response.matched_by
        )

    def credit(
        self, received_at: datetime, *, letter_id: int | None = None, matched_by: str = "manual"
    ) -> tuple[ThreadLetter | None, datetime | None]:
        """``credited`` for an answer received at ``received_at``, matched by ``matched_by``."""
        if letter_id is not None and matched_by in LETTER_MATCHES:
            named = next((t for t in self.letters if t.letter.id == letter_id), None)
            return named, named.delivered_at if named else None
        before = [
            (d.finished_at, t)
            for t in self.letters
            for d in t.deliveries
            if d.state in WENT_OUT and d.finished_at and d.finished_at <= received_at
        ]
        if not before:
            return None, None
        when, letter = max(before, key=lambda pair: (pair[0], pair[1].letter.id))
        return letter, when

    def days_to_answer(self) -> float | None:
        """Days from the credited letter's delivery to the first answer."""
        first = self.first_answer
        if first is None:
            return None
        _, delivered = self.credited(first)
        if delivered is None:
            return None
        return round((first.received_at - delivered).total_seconds() / 86400, 1)


def chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _letters(
    uow: Session, campaign_id: int, addressee_ids: list[int] | None
) -> list[tuple[Letter, Batch]]:
    query: Select[Letter, Batch] = (
        select(Letter, Batch)
        .join(Batch, Batch.id == Letter.batch_id)
        .where(Batch.campaign_id == campaign_id)
        .order_by(Letter.id)
    )
    if addressee_ids is None:
        return [(letter, batch) for letter, batch in uow.execute(query)]
    return [
        (letter, batch)
        for chunk in chunks(addressee_ids)
        for letter, batch in uow.execute(query.where(Letter.addressee_id.in_(chunk)))
    ]


def load_threads(
    uow: Session, campaign_id: int, addressee_ids: Collection[int] | None = None
) -> dict[int, Thread]:
    """The threads of a campaign (or of ``addressee_ids`` only), by addressee id: three
    queries (per 1,000 letters), not one per addressee."""
    ids = None if addressee_ids is None else sorted(set(addressee_ids))
    rows = _letters(uow, campaign_id, ids)
    deliveries: dict[int, list[Delivery]] = {}
    for chunk in chunks([letter.id for letter, _ in rows]):
        query = select(Delivery).where(Delivery.letter_id.in_(chunk)).order_by(Delivery.id)
        for delivery in uow.scalars(query):
            deliveries.setdefault(delivery.letter_id, []).append(delivery)
    responses: dict[int, list[Response]] = {}
    answers = select(Response).where(Response.campaign_id == campaign_id)
    if ids is not None:
        answers = answers.where(Response.addressee_id.in_(ids))
    for response in uow.scalars(answers.order_by(Response.received_at, Response.id)):
        responses.setdefault(response.addressee_id, []).append(response)
    letters: dict[int, list[ThreadLetter]] = {}
    for letter, batch in rows:
        entry = ThreadLetter(letter, batch, tuple(deliveries.get(letter.id, ())))
        letters.setdefault(letter.addressee_id, []).append(entry)
    return {
        aid: Thread(campaign_id, aid, tuple(entries), tuple(responses.get(aid, ())))
        for aid, entries in letters.items()
    }


def thread_of(uow: Session, campaign_id: int, addressee_id: int) -> Thread | None:
    """One addressee's thread, or None when the campaign never wrote to them."""
    return load_threads(uow, campaign_id, [addressee_id]).get(addressee_id)
