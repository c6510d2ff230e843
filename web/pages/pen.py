"""The holding pen in the browser: replies no rule matched and unreadable (quarantined) ones,
each assigned by a person to the letters it answers (or the newest letter of an addressee in a
campaign), or ignored; auto-replies and unclaimed bounces in a view of their own.

Rule: assigning and ignoring are ``responses.pen.assign`` / ``ignore``, exactly what
``advocacy responses assign`` / ``ignore`` do; reviewers and campaigners may sort the pen
(permission ``triage``), everyone may look. Every message is read through the parse boundary
(``responses.parse``), so no message can break the page. A refused assignment is shown on the
page again, nothing stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from errors import InputError, NotFound, Problem
from responses.pen import VIEWS, ignore, pen, read_held
from responses.pen import assign as assign_message
from storage.tables import InboundMessage
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
    reason: str  # why it was quarantined, or the rule that put it here
    notes: tuple[str, ...]  # charset fallbacks and the like, from the parse boundary


def _held(m: InboundMessage, *, max_bytes: int) -> Held:
    """One row, with the start of the message's text so staff can tell whose answer it is."""
    mail = read_held(m, max_bytes=max_bytes)
    text = mail.text[:EXCERPT] + ("…" if len(mail.text) > EXCERPT else "")
    reason = m.reason if m.status == "quarantined" else m.rule
    return Held(m.id, m.sender, m.subject, m.received_at, m.status, text, reason, tuple(mail.notes))


def _view(view: str, everything: bool) -> str:
    return "all" if everything else (view if view in VIEWS else "to-sort")


def _page(
    request: Request,
    me: Staff,
    *,
    view: str,
    problems: list[str],
    status: int = 200,
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        held = pen(uow, status=VIEWS[view])[:LIMIT]
        rows = [_held(m, max_bytes=s.settings.inbound_max_bytes) for m in held]
        campaigns, addressees = choices(uow)
    return pages_of(request).render(
        request,
        "pen.html.j2",
        me=me,
        status=status,
        held=rows,
        limit=LIMIT,
        view=view,
        views=list(VIEWS),
        campaigns=campaigns,
        addressees=addressees,
        problems=problems,
    )


@router.get("/responses/pen")
def holding_pen(
    request: Request,
    me: Annotated[Staff, Depends(staff("read"))],
    all: bool = False,
    view: str = "to-sort",
) -> Response:
    return _page(request, me, view=_view(view, all), problems=[])


def letter_numbers(text: str) -> list[int]:
    """The letter numbers typed in one field ("12, 15 17"); a word that is no number is an
    input problem, not silently dropped."""
    words = text.replace(",", " ").split()
    bad = [w for w in words if not w.isdigit()]
    if bad:
        raise InputError([Problem("assign", None, "letter", f"{bad[0]!r} is not a number")])
    return [int(w) for w in words[:20]]


@router.post("/responses/pen/{message_id}/assign")
def assign(
    request: Request,
    message_id: int,
    me: Annotated[Staff, Depends(staff("triage"))],
    campaign: Annotated[str, Form(max_length=80)] = "",
    addressee: Annotated[str, Form(max_length=80)] = "",
    letter: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            assign_message(
                uow,
                message_id,
                letter_ids=letter_numbers(letter),
                addressee_key=addressee.strip() or None,
                campaign_key=campaign.strip() or None,
                actor=me.user.email,
                clock=s.clock,
                domain=s.settings.reply_domain,
                max_bytes=s.settings.inbound_max_bytes,
            )
    except InputError as exc:
        problems = [f"#{message_id}: {p.field} {p.message}" for p in exc.problems]
        return _page(request, me, view="all", problems=problems, status=422)
    except NotFound as exc:
        return _page(request, me, view="all", problems=[f"#{message_id}: {exc}"], status=404)
    return see_other("/responses/pen", notice="assigned")


@router.post("/responses/pen/{message_id}/ignore")
def ignore_message(
    request: Request, message_id: int, me: Annotated[Staff, Depends(staff("triage"))]
) -> Response:
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            ignore(uow, message_id, actor=me.user.email, clock=s.clock)
    except InputError as exc:
        problems = [f"#{message_id}: {p.field} {p.message}" for p in exc.problems]
        return _page(request, me, view="all", problems=problems, status=422)
    except NotFound as exc:
        return _page(request, me, view="all", problems=[f"#{message_id}: {exc}"], status=404)
    return see_other("/responses/pen", notice="ignored")
