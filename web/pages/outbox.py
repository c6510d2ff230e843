"""The outbox: what is waiting, retrying or failed, and why; retry now or cancel.

Rule: the page changes rows only through ``delivery.intervene`` (refusing rows a worker holds
or that went out) and never sends anything itself: the worker does, on its next pass.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from delivery.intervene import cancel, retry_now
from web.guard import Staff, services_of, staff
from web.queries import delivery_states, outbox_rows
from web.rendering import pages_of, see_other

router = APIRouter()
LIMIT = 200
SECTIONS = (
    ("failed", ("failed",)),
    ("retrying", ("retry_wait",)),
    ("waiting", ("queued", "sending")),
)


@router.get("/outbox")
def outbox(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        sections = [(name, outbox_rows(uow, states, limit=LIMIT)) for name, states in SECTIONS]
        states = delivery_states(uow)
    return pages_of(request).render(
        request, "outbox.html.j2", me=me, sections=sections, states=states, limit=LIMIT
    )


@router.post("/outbox/{delivery_id}/retry")
def retry(
    request: Request, delivery_id: int, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        retry_now(uow, delivery_id, actor=me.user.email, clock=s.clock)
    return see_other("/outbox", notice="retrying")


@router.post("/outbox/{delivery_id}/cancel")
def cancel_delivery(
    request: Request, delivery_id: int, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        cancel(uow, delivery_id, actor=me.user.email, clock=s.clock)
    return see_other("/outbox", notice="cancelled")
