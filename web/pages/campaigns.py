"""A campaign's page: where it stands, its timeline, every addressee's delivery and answer;
delivering approved letters and switching the public page.

Rule: delivering only queues approved letters (``delivery.outbox.enqueue``); the worker sends
them, so the page returns at once and the rows appear as the worker gets to them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from campaigns.goals import standing
from campaigns.store import get_campaign
from delivery.outbox import CHANNELS, enqueue
from responses.report import response_report
from storage.tables import Batch, SignatureCount
from web.charts import timeline
from web.guard import Staff, services_of, staff
from web.publishing import set_public_page
from web.rendering import pages_of, see_other

router = APIRouter()


@router.get("/campaigns/{key}")
def campaign_page(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        stand = standing(uow, key, clock=s.clock)
        counts = uow.execute(
            select(SignatureCount.as_of, SignatureCount.count)
            .where(SignatureCount.campaign_id == campaign.id)
            .order_by(SignatureCount.id)
        ).all()
        batches = list(
            uow.scalars(select(Batch).where(Batch.campaign_id == campaign.id).order_by(Batch.id))
        )
        rows = response_report(
            uow,
            campaign,
            today=s.clock.now().date(),
            working_days=s.settings.answer_due_working_days,
        )
    chart = timeline(
        [(when, n) for when, n in counts], [(b.created_at, f"#{b.id}") for b in batches]
    )
    return pages_of(request).render(
        request,
        "campaign.html.j2",
        me=me,
        campaign=campaign,
        standing=stand,
        chart=chart,
        counts=counts[-10:],
        batches=batches,
        rows=rows,
    )


@router.post("/campaigns/{key}/deliver")
def deliver(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        campaign = get_campaign(uow, key)
        report = enqueue(uow, campaign, actor=me.user.email, clock=s.clock, channels=CHANNELS)
    # As `advocacy deliver`: email, else post, else the web form; say when some had none.
    notice = "queued_skipped" if report.no_channel or report.flagged else "queued"
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
