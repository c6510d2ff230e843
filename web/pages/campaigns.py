"""A campaign's page: where it stands, its timeline, a page of addressees with their delivery
and answer; recording a signature count, delivering approved letters and switching the public
page.

Rule: delivering only queues approved letters (``delivery.outbox.enqueue``); the worker sends
them, so the page returns at once and the rows appear as the worker gets to them. A count is
recorded by ``campaigns.signatures.set_count`` exactly as ``advocacy signatures set`` records
it (a lower count only as a correction with a reason); a batch it creates is rendered by the
scheduler, not by the request. A rejected count form is shown again with the problems, nothing
stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from campaigns.goals import standing
from campaigns.history import count_history
from campaigns.signatures import MAX_SIGNATURES, CountOutcome, set_count
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from errors import Conflict, InputError
from storage.tables import Batch
from timeutil import as_utc
from web.campaign_rows import addressee_page
from web.charts import timeline
from web.guard import Staff, services_of, staff
from web.pages.reports import PAGE_SIZE
from web.publishing import set_public_page
from web.rendering import pages_of, see_other
from web.strings import t

router = APIRouter()
MAX_COUNT = MAX_SIGNATURES  # one bound for every entry point (campaigns.signatures)


@dataclass(frozen=True)
class CountForm:
    """The count form as typed, shown again when it is refused."""

    count: str = ""
    as_of: str = ""
    correct: bool = False
    reason: str = ""


def _page(
    request: Request,
    me: Staff,
    key: str,
    *,
    page: int = 1,
    form: CountForm | None = None,
    problems: tuple[str, ...] = (),
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        stand = standing(uow, key, clock=s.clock)
        counts = count_history(uow, campaign.id)
        batches = list(
            uow.scalars(select(Batch).where(Batch.campaign_id == campaign.id).order_by(Batch.id))
        )
        addressees = addressee_page(
            uow,
            campaign,
            today=s.clock.now().date(),
            working_days=s.settings.answer_deadlines,
            page=page,
            size=PAGE_SIZE,
        )
    chart = timeline(
        [(when, n) for when, n in counts], [(b.created_at, f"#{b.id}") for b in batches]
    )
    return pages_of(request).render(
        request,
        "campaign.html.j2",
        me=me,
        status=422 if problems else 200,
        campaign=campaign,
        standing=stand,
        chart=chart,
        batches=batches,
        rows=addressees.rows,
        page=addressees.page,
        pages=addressees.pages,
        form=form or CountForm(),
        problems=problems,
    )


@router.get("/campaigns/{key}")
def campaign_page(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))], page: int = 1
) -> Response:
    return _page(request, me, key, page=page)


def _parse(form: CountForm) -> tuple[int, datetime | None, list[str]]:
    """The count and as-of time of the form, or the problems that keep it from being recorded
    (in the order of the fields)."""
    problems, count, as_of = [], -1, None
    digits = re.sub(r"[\s,]", "", form.count)  # "15,240" and "15 240" are 15240
    if not re.fullmatch(r"[0-9]+", digits):
        problems.append(t("campaign.count_not_number", value=form.count))
    elif int(digits) > MAX_COUNT:
        problems.append(t("campaign.count_too_large", most=MAX_COUNT))
    else:
        count = int(digits)
    if form.as_of.strip():
        try:
            as_of = as_utc(datetime.fromisoformat(form.as_of.strip()))
        except ValueError:
            problems.append(t("campaign.as_of_invalid", value=form.as_of))
    if form.correct and not form.reason.strip():
        problems.append(t("campaign.reason_missing"))
    return count, as_of, problems


@router.post("/campaigns/{key}/signatures")
def record_count(
    request: Request,
    key: str,
    me: Annotated[Staff, Depends(staff("campaign"))],
    count: Annotated[str, Form(max_length=40)] = "",
    as_of: Annotated[str, Form(max_length=40)] = "",
    correct: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    form = CountForm(count, as_of, correct == "on", reason)
    number, when, problems = _parse(form)
    if problems:
        return _page(request, me, key, form=form, problems=tuple(problems))
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            outcome = set_count(
                uow,
                key,
                number,
                as_of=when,
                source="correction" if form.correct else "manual",
                identities=s.identities,
                actor=me.user.email,
                clock=s.clock,
                correction=form.reason if form.correct else None,
                policy=s.missed_policy,
            )
    except Conflict:  # a lower count without the correction box: counts only go up
        problem = t("campaign.count_lower", count=number)
        return _page(request, me, key, form=form, problems=(problem,))
    except InputError as exc:  # out of bounds (campaigns.signatures.MAX_SIGNATURES)
        bounds = tuple(p.message for p in exc.problems)
        return _page(request, me, key, form=form, problems=bounds)
    return _counted(key, outcome)


def _counted(key: str, outcome: CountOutcome) -> Response:
    """Back to the campaign, saying what the count did (as ``advocacy signatures set``)."""
    url = f"/campaigns/{key}"
    if outcome.batch is not None:
        return see_other(url, notice="count_batch", n=outcome.batch.id)
    if outcome.current < outcome.previous:
        return see_other(url, notice="count_corrected", n=outcome.current)
    if outcome.current == outcome.previous:
        return see_other(url, notice="count_unchanged", n=outcome.current)
    return see_other(url, notice="count_recorded", n=outcome.current)


@router.post("/campaigns/{key}/deliver")
def deliver(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        campaign = get_campaign(uow, key)
        report = enqueue(
            uow,
            campaign,
            actor=me.user.email,
            clock=s.clock,
            channels=CHANNELS,
            window=s.send_window_for(campaign),  # as `advocacy deliver`
        )
    # As `advocacy deliver`: email, else post, else the web form; say when some had none.
    notice = "queued_skipped" if report.no_channel or report.flagged else "queued"
    if report.superseded:  # delivery.supersede: say that older unsent letters were replaced
        notice = "queued_superseded"
    return see_other(f"/campaigns/{key}", notice=notice, n=len(report.queued))


@router.post("/campaigns/{key}/public")
def public_switch(
    request: Request,
    key: str,
    me: Annotated[Staff, Depends(staff("campaign"))],
    public: Annotated[str, Form()] = "",
) -> Response:
    s = services_of(request)
    on = public == "on"
    with s.db.unit_of_work() as uow:
        set_public_page(uow, key, on, actor=me.user.email, clock=s.clock)
    return see_other(f"/campaigns/{key}", notice="public_on" if on else "public_off")
