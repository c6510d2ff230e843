"""The outbox: the email the worker sends that is waiting, retrying or failed, and why; retry
now or cancel. Below, the channels staff carry by hand (postal letters per batch, web-form
tasks, each cancellable until printed or done) and the channels flagged by a bounce, with their
actions in ``web.pages.handwork``. A hand-carried row is listed only in its own section: the
worker never sends it, so "Queued and sending" would only mislead.

Rule: the page changes rows only through ``delivery.intervene`` (refusing rows a worker holds
under a running lease or that went out; held rows and rows whose lease expired may be retried
or cancelled) and never sends anything itself: the worker does, on its next pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from delivery.intervene import cancel, retry_now
from delivery.postal import print_file as postal_file
from delivery.states import NAMES
from recipients.checks import channel_checks
from settings import Settings
from web.guard import Staff, services_of, staff
from web.outbox_queries import delivery_states, hand_rows, outbox_rows
from web.rendering import pages_of, see_other

router = APIRouter()
LIMIT = 200
SECTIONS = (
    ("held", ("held",)),  # claimed too often without an outcome (delivery.claims)
    ("failed", ("failed",)),
    ("retrying", ("retry_wait",)),
    ("waiting", ("queued", "sending")),
)
DOWNLOADS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def print_file(settings: Settings, batch_id: int, suffix: str) -> Path:
    """Where ``delivery.postal.print_batch`` writes the batch's merged PDF or CSV manifest
    when called as ``advocacy outbox print`` does (in ``settings.print_dir``)."""
    return postal_file(settings.print_dir, batch_id, suffix)


@dataclass(frozen=True)
class PostalBatch:
    id: int
    campaign_key: str
    rows: list[Any]
    downloads: list[str]


def _postal(uow: Any, settings: Settings) -> list[PostalBatch]:
    rows = hand_rows(uow, "postal", ("queued", "printed"), limit=LIMIT)
    batches = []
    for batch_id, group in groupby(rows, key=lambda row: row[1]):
        listed = list(group)
        made = [s for s in DOWNLOADS if print_file(settings, batch_id, s).is_file()]
        batches.append(PostalBatch(batch_id, listed[0][2], listed, made))
    return batches


def outbox_page(request: Request, me: Staff, *, problems: list[str], status: int = 200) -> Response:
    """The outbox, with ``problems`` (a refused action) above everything else."""
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        automatic = s.channels.automatic()
        sections = [
            (name, outbox_rows(uow, states, channels=automatic, limit=LIMIT))
            for name, states in SECTIONS
        ]
        states = delivery_states(uow)
        postal = _postal(uow, s.settings)
        manual = hand_rows(uow, "manual", ("queued",), limit=LIMIT)
        checks = channel_checks(uow)
    return pages_of(request).render(
        request,
        "outbox.html.j2",
        me=me,
        status=status,
        problems=problems,
        sections=sections,
        states=states,
        postal=postal,
        manual=manual,
        checks=checks,
        today=s.clock.now().date().isoformat(),
        now=s.clock.now(),
        tally=NAMES,
        limit=LIMIT,
    )


@router.get("/outbox")
def outbox(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    return outbox_page(request, me, problems=[])


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
