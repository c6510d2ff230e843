"""One addressee's thread in a campaign (every letter, delivery and answer), and staff
classifying an answer (its stance; an answer or only an acknowledgement).

Rule: the page shows ``campaigns.thread_history`` and the report's row for the addressee
(``responses.report``: the same standing every page shows); classifying goes through
``responses.manual_entry.classify`` (audited) and only returns to a page of this site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from campaigns.thread_history import history
from responses.manual_entry import KINDS, STANCES, classify
from responses.report import response_report
from storage.tables import Response as Answer
from web.guard import Staff, services_of, staff
from web.rendering import pages_of, see_other

router = APIRouter()


@router.get("/campaigns/{key}/addressees/{addressee}")
def thread_page(
    request: Request, key: str, addressee: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        found = history(uow, key, addressee)
        rows = response_report(
            uow,
            found.campaign,
            today=s.clock.now().date(),
            working_days=s.settings.answer_deadlines,
        )
        row = next((r for r in rows if r.addressee_key == addressee), None)
        answers = list(
            uow.scalars(
                select(Answer)
                .where(
                    Answer.campaign_id == found.campaign.id,
                    Answer.addressee_id == found.addressee.id,
                )
                .order_by(Answer.received_at)
            )
        )
    return pages_of(request).render(
        request,
        "thread.html.j2",
        me=me,
        found=found,
        row=row,
        answers=answers,
        stances=STANCES,
        kinds=KINDS,
    )


@router.post("/responses/{response_id}/classify")
def classify_answer(
    request: Request,
    response_id: int,
    me: Annotated[Staff, Depends(staff("campaign"))],
    stance: Annotated[str, Form(max_length=40)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    back: Annotated[str, Form(max_length=300)] = "/responses",
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        classify(
            uow,
            response_id,
            stance=stance or None,
            kind=kind or None,
            actor=me.user.email,
            clock=s.clock,
        )
    # Only a path on this site (never "//host" or a scheme): no open redirect.
    local = back.startswith("/") and not back.startswith("//") and "\\" not in back
    target = back if local else "/responses"
    return see_other(target, notice="classified")
