"""Answers: the latest ones, a form to log an answer that came by post, phone or in person,
and what of each answer the public page may say.

Rule: the form is validated by ``responses.manual_entry`` exactly as the API's is; a rejected
form is shown again with the problems next to the fields, nothing stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from errors import InputError, NotFound
from responses.guesses import confirm_guess, reject_guess
from responses.manual_entry import CHANNELS, KINDS, STANCES, Answer, log_answer, publish_summary
from storage.tables import Addressee, Campaign
from storage.tables import Response as Reply
from timeutil import Clock
from web.guard import Staff, services_of, staff
from web.queries import choices
from web.rendering import pages_of, see_other

router = APIRouter()
LIMIT = 100
MATCHED_BY = ("token", "in-reply-to", "guess", "sender", "staff", "confirmed", "manual")


class Judge(Protocol):
    def __call__(self, uow: Session, response_id: int, *, actor: str, clock: Clock) -> object: ...


def _page(
    request: Request, me: Staff, *, campaign: str, problems: list[str], status: int = 200
) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        query = (
            select(Reply, Campaign.key, Addressee.name)
            .join(Campaign, Campaign.id == Reply.campaign_id)
            .join(Addressee, Addressee.id == Reply.addressee_id)
            .order_by(Reply.received_at.desc(), Reply.id.desc())
            .limit(LIMIT)
        )
        if campaign:
            query = query.where(Campaign.key == campaign)
        answers = uow.execute(query).all()
        guesses = uow.scalar(select(func.count()).where(Reply.matched_by == "guess"))
        campaigns, addressees = choices(uow)
    return pages_of(request).render(
        request,
        "responses.html.j2",
        me=me,
        status=status,
        answers=answers,
        campaigns=campaigns,
        addressees=addressees,
        chosen=campaign,
        problems=problems,
        guesses=guesses or 0,
        matched_by_known=MATCHED_BY,
        kinds=KINDS,
        channels=CHANNELS,
        stances=STANCES,
    )


@router.get("/responses")
def responses(
    request: Request, me: Annotated[Staff, Depends(staff("read"))], campaign: str = ""
) -> Response:
    return _page(request, me, campaign=campaign, problems=[])


@router.post("/responses")
def log_response(
    request: Request,
    me: Annotated[Staff, Depends(staff("campaign"))],
    campaign: Annotated[str, Form(max_length=80)],
    addressee: Annotated[str, Form(max_length=80)],
    kind: Annotated[str, Form()] = "response",
    channel: Annotated[str, Form()] = "letter",
    stance: Annotated[str, Form()] = "unclear",
    summary: Annotated[str, Form(max_length=5000)] = "",
    public_summary: Annotated[str, Form(max_length=2000)] = "",
    received_on: Annotated[date | None, Form()] = None,
) -> Response:
    s = services_of(request)
    received = datetime.combine(received_on, time(12), UTC) if received_on else None
    answer = Answer(campaign, addressee, kind, channel, stance, summary, public_summary, received)
    try:
        with s.db.unit_of_work() as uow:
            log_answer(uow, answer, actor=me.user.email, clock=s.clock)
    except InputError as exc:
        problems = [f"{p.field}: {p.message}" for p in exc.problems]
        return _page(request, me, campaign=campaign, problems=problems, status=422)
    return see_other("/responses", campaign=campaign, notice="logged")


@router.post("/responses/{response_id}/publish")
def publish(
    request: Request,
    response_id: int,
    me: Annotated[Staff, Depends(staff("campaign"))],
    public_summary: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        publish_summary(uow, response_id, public_summary, actor=me.user.email, clock=s.clock)
    return see_other("/responses", notice="published")


@router.post("/responses/{response_id}/confirm")
def confirm(
    request: Request, response_id: int, me: Annotated[Staff, Depends(staff("triage"))]
) -> Response:
    """Staff confirm a guessed match (``responses.guesses.confirm_guess``)."""
    return _judge_guess(request, me, response_id, confirm_guess, "confirmed")


@router.post("/responses/{response_id}/reject")
def reject(
    request: Request, response_id: int, me: Annotated[Staff, Depends(staff("triage"))]
) -> Response:
    """Staff reject a guessed match: the message goes back to the holding pen."""
    return _judge_guess(request, me, response_id, reject_guess, "rejected")


def _judge_guess(
    request: Request, me: Staff, response_id: int, judge: Judge, notice: str
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            judge(uow, response_id, actor=me.user.email, clock=s.clock)
    except InputError as exc:
        problems = [f"#{response_id}: {p.field} {p.message}" for p in exc.problems]
        return _page(request, me, campaign="", problems=problems, status=422)
    except NotFound as exc:
        return _page(request, me, campaign="", problems=[f"{exc}"], status=404)
    return see_other("/responses", notice=notice)
