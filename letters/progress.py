"""Progress letters: a later milestone's letter to an addressee who already has one is an update.

Rule: in a ``progress`` batch, an addressee whose thread holds an earlier letter that went out
gets an opening paragraph naming the day that letter went out, how many more people signed
since (the batch's count minus that letter's batch count) and the total now; with
``local_support: true`` in the appeal, also how many signers from the addressee's country had
signed by the batch's snapshot (a count, never names). Everyone else (never reached, or no
increase since) gets the full appeal. All of it is read from stored rows, so rendering the same
letter again gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaigns.store import appeal_of
from campaigns.threads import load_threads
from letters.reminder import first_written, is_follow_up
from storage.tables import Addressee, Batch, Campaign, Signer


@dataclass(frozen=True)
class Progress:
    """What a progress letter tells the addressee about the campaign since its last letter."""

    earlier: date  # the day the earlier letter went out
    increase: int  # signatures since that letter
    total: int  # signatures now (the batch's snapshot)
    as_of: date  # the day of the batch's snapshot
    country: str = ""  # the addressee's country, when local support is shown
    local: int | None = None  # signers from that country by the snapshot


@dataclass(frozen=True)
class Opening:
    """How a letter opens: a reminder of ``first_written``, a ``progress`` update, or plain."""

    first_written: date | None = None
    progress: Progress | None = None


def local_signers(uow: Session, batch: Batch, countries: set[str]) -> dict[str, int]:
    """Signers of the batch's campaign from each of ``countries`` by the batch's snapshot."""
    if not countries:
        return {}
    query = (
        select(Signer.country, func.count())
        .where(
            Signer.campaign_id == batch.campaign_id,
            Signer.country.in_(sorted(countries)),
            Signer.signed_at <= batch.signatures_as_of,
        )
        .group_by(Signer.country)
    )
    return {str(country): n for country, n in uow.execute(query)}


def progress_for(
    uow: Session, batch: Batch, addressees: Sequence[Addressee], *, local_support: bool
) -> dict[int, Progress]:
    """The progress facts of each addressee of a ``progress`` batch that has them, by id."""
    threads = load_threads(uow, batch.campaign_id, [a.id for a in addressees])
    local = (
        local_signers(uow, batch, {a.country for a in addressees if a.country})
        if local_support
        else {}
    )
    facts: dict[int, Progress] = {}
    for addressee in addressees:
        thread = threads.get(addressee.id)
        earlier = [
            t
            for t in (thread.letters if thread else ())
            if t.batch.id < batch.id and t.delivered_at is not None
        ]
        if not earlier:
            continue
        last = max(earlier, key=lambda t: t.delivered_at or t.batch.created_at)
        increase = batch.signature_count - last.batch.signature_count
        if increase <= 0 or last.delivered_at is None:
            continue  # nothing new to report: the full appeal
        shown = local_support and bool(addressee.country)
        facts[addressee.id] = Progress(
            earlier=last.delivered_at.date(),
            increase=increase,
            total=batch.signature_count,
            as_of=batch.signatures_as_of.date(),
            country=addressee.country if shown else "",
            local=local.get(addressee.country, 0) if shown else None,
        )
    return facts


def openings(
    uow: Session, batch: Batch, campaign: Campaign, addressees: Sequence[Addressee]
) -> dict[int, Opening]:
    """How each addressee's letter in ``batch`` opens, by addressee id (by the batch's kind)."""
    if is_follow_up(batch):
        written = first_written(uow, campaign.id, [a.id for a in addressees])
        return {aid: Opening(first_written=day) for aid, day in written.items()}
    if batch.kind == "progress":
        local_support = appeal_of(campaign).local_support
        facts = progress_for(uow, batch, addressees, local_support=local_support)
        return {aid: Opening(progress=p) for aid, p in facts.items()}
    return {}
