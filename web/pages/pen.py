"""The holding pen in the browser: replies no rule matched, each assigned by a person to the
letter it answers (or the newest letter of an addressee in a campaign), or ignored.

Rule: assigning and ignoring are ``responses.pen.assign`` / ``ignore``, exactly what
``advocacy responses assign`` / ``ignore`` do; reviewers and campaigners may sort the pen
(permission ``triage``), everyone may look. A refused assignment is shown on the page again,
nothing stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from errors import InputError, NotFound
from responses.classify import body_text
from responses.inbound import parse
from responses.pen import assign as assign_message
from responses.pen import ignore, pen
from web.guard import Staff, services_of, staff
from web.queries import choices
from web.rendering import pages_of, see_other

router = APIRouter()
LIMIT = 100
EXCERPT = 600


@dataclass(frozen=True)
class Held:
    id: int
    sender: str
    subject: str
    received_at: datetime
    status: str
    excerpt: str


def _excerpt(raw_path: str) -> str:
    """The start of the message's text, so staff can tell whose answer it is."""
    try:
        text = body_text(parse(Path(raw_path).read_bytes()))
    except (OSError, ValueError):  # the raw file is gone or unreadable: show the headers only
        return ""
    return text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")


def _page(
    request: Request, me: Staff, *, everything: bool, problems: list[str], status: int = 200
) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        held = pen(uow, status=None if everything else "unmatched")[:LIMIT]
        rows = [
            Held(m.id, m.sender, m.subject, m.received_at, m.status, _excerpt(m.raw_path))
            for m in held
        ]
        campaigns, addressees = choices(uow)
    return pages_of(request).render(
        request,
        "pen.html.j2",
        me=me,
        status=status,
        held=rows,
        limit=LIMIT,
        everything=everything,
        campaigns=campaigns,
        addressees=addressees,
        problems=problems,
    )


@router.get("/responses/pen")
def holding_pen(
    request: Request, me: Annotated[Staff, Depends(staff("read"))], all: bool = False
) -> Response:
    return _page(request, me, everything=all, problems=[])


@router.post("/responses/pen/{message_id}/assign")
def assign(
    request: Request,
    message_id: int,
    me: Annotated[Staff, Depends(staff("triage"))],
    campaign: Annotated[str, Form(max_length=80)] = "",
    addressee: Annotated[str, Form(max_length=80)] = "",
    letter: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            assign_message(
                uow,
                message_id,
                letter_id=int(letter) if letter.strip().isdigit() else None,
                addressee_key=addressee.strip() or None,
                campaign_key=campaign.strip() or None,
                actor=me.user.email,
                clock=s.clock,
            )
    except InputError as exc:
        problems = [f"#{message_id}: {p.field} {p.message}" for p in exc.problems]
        return _page(request, me, everything=False, problems=problems, status=422)
    except NotFound as exc:
        return _page(request, me, everything=False, problems=[f"#{message_id}: {exc}"], status=404)
    return see_other("/responses/pen", notice="assigned")


@router.post("/responses/pen/{message_id}/ignore")
def ignore_message(
    request: Request, message_id: int, me: Annotated[Staff, Depends(staff("triage"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        ignore(uow, message_id, actor=me.user.email, clock=s.clock)
    return see_other("/responses/pen", notice="ignored")
