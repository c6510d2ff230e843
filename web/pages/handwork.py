"""The outbox's hand-carried channels and bounce checks at the desk: make a batch's print
batch and download it, mark a printed letter posted, carry out a web-form task, clear a check.

Rule: every change is the function ``advocacy outbox print / posted / done / checks clear``
calls (``delivery.postal``, ``recipients.checks``), with the logged-in user as the audit actor;
the pages hold no rule of their own beyond reading the form. A refused action (a row in the
wrong state, an unknown row, a missing reason) is shown on the page again, nothing changed.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from delivery.postal import form_task, mark_done, mark_posted, print_batch
from errors import AdvocacyError, Conflict, IntegrityRefused, NotFound
from recipients.checks import clear_check
from storage.tables import Delivery
from web.guard import Staff, services_of, staff
from web.pages.outbox import DOWNLOADS, outbox_page, print_file
from web.rendering import PRIVATE, pages_of, see_other
from web.strings import t

router = APIRouter()
REFUSED = (NotFound, Conflict, IntegrityRefused)  # what staff can see and fix: on the page


def _status(exc: AdvocacyError) -> int:
    return 404 if isinstance(exc, NotFound) else 409


@router.post("/outbox/batches/{batch_id}/print")
def print_postal(
    request: Request, batch_id: int, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    """As ``advocacy outbox print BATCH``: the merged PDF and manifest, rows become printed."""
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            made = print_batch(
                uow,
                batch_id,
                documents_dir=s.settings.documents_dir,
                out_dir=s.settings.print_dir,
                actor=me.user.email,
                clock=s.clock,
            )
    except REFUSED as exc:
        return outbox_page(request, me, problems=[str(exc)], status=_status(exc))
    return see_other("/outbox", notice="printed", n=len(made.delivery_ids))


def _download(request: Request, batch_id: int, suffix: str) -> Response:
    path = print_file(services_of(request).settings, batch_id, suffix)
    if not path.is_file():
        raise NotFound(f"batch {batch_id} has no print batch yet: print it first")
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{path.name}"'}
    return Response(path.read_bytes(), media_type=DOWNLOADS[suffix], headers=headers)


@router.get("/outbox/batches/{batch_id}/post.pdf")
def print_pdf(
    request: Request, batch_id: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    """The batch's postal letters as one PDF, in manifest order."""
    return _download(request, batch_id, "pdf")


@router.get("/outbox/batches/{batch_id}/post.csv")
def print_csv(
    request: Request, batch_id: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    """The print batch's manifest: item, delivery, addressee, address, first page, pages."""
    return _download(request, batch_id, "csv")


@router.post("/outbox/{delivery_id}/posted")
def posted(
    request: Request,
    delivery_id: int,
    me: Annotated[Staff, Depends(staff("campaign"))],
    posted_on: Annotated[str, Form(max_length=40)] = "",
    tracking: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """As ``advocacy outbox posted ID --date --tracking``: the printed letter is sent."""
    try:
        day = date.fromisoformat(posted_on.strip())
    except ValueError:
        problem = t("outbox.bad_date", id=delivery_id, value=posted_on)
        return outbox_page(request, me, problems=[problem], status=422)
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            mark_posted(
                uow,
                delivery_id,
                posted_on=day,
                tracking=tracking.strip(),
                actor=me.user.email,
                clock=s.clock,
            )
    except REFUSED as exc:
        return outbox_page(request, me, problems=[str(exc)], status=_status(exc))
    return see_other("/outbox", notice="posted")


def _task_page(
    request: Request, me: Staff, delivery_id: int, *, problems: list[str], status: int = 200
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        task = form_task(uow, delivery_id, documents_dir=s.settings.documents_dir)
        state = uow.get_one(Delivery, delivery_id).state
    # A registry value is not trusted to be a web address: only http(s) becomes a link.
    linkable = task.form_url.lower().startswith(("https://", "http://"))
    return pages_of(request).render(
        request,
        "outbox_task.html.j2",
        me=me,
        status=status,
        task=task,
        state=state,
        linkable=linkable,
        problems=problems,
    )


@router.get("/outbox/{delivery_id}/task")
def task(
    request: Request, delivery_id: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    """As ``advocacy outbox task ID``: where the form is and the approved text to paste."""
    return _task_page(request, me, delivery_id, problems=[])


@router.post("/outbox/{delivery_id}/done")
def done(
    request: Request,
    delivery_id: int,
    me: Annotated[Staff, Depends(staff("campaign"))],
    receipt: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """As ``advocacy outbox done ID --receipt``: the web form was submitted by hand."""
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            mark_done(uow, delivery_id, receipt=receipt.strip(), actor=me.user.email, clock=s.clock)
    except Conflict as exc:
        return _task_page(request, me, delivery_id, problems=[str(exc)], status=409)
    return see_other("/outbox", notice="done")


@router.post("/outbox/checks/{key}/clear")
def clear(
    request: Request,
    key: str,
    me: Annotated[Staff, Depends(staff("campaign"))],
    channel: Annotated[str, Form(max_length=20)] = "email",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """As ``advocacy outbox checks clear ADDRESSEE --channel --reason``, the reason required."""
    if not reason.strip():
        problem = t("outbox.reason_needed", addressee=key)
        return outbox_page(request, me, problems=[problem], status=422)
    s = services_of(request)
    try:
        with s.db.unit_of_work() as uow:
            n = clear_check(
                uow, key, channel=channel, actor=me.user.email, clock=s.clock, reason=reason.strip()
            )
    except NotFound as exc:
        return outbox_page(request, me, problems=[str(exc)], status=404)
    return see_other("/outbox", notice="cleared", n=n)
