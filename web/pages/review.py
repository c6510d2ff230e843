"""The review queue in the browser: batches waiting, each letter with its PDF shown inline,
approve or reject with a comment, approve a whole batch; render a rejected or stale letter
again as a new revision.

Rule: decisions go through ``review.queue`` with the logged-in user as reviewer (four eyes
applies as on the command line); the PDF and page images are served only after the bytes on
disk are checked against the rendered sha256, so what is shown is what an approval pins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from errors import Conflict, TemplateError
from letters.signatories import undrawable_signers
from review import bulk, queue
from review.render_failures import failed_letters
from review.stale import current_revision, stale_marks
from review.view import LetterView, letter_view, record_shown, verified_pdf
from storage.tables import Letter
from web.guard import Staff, services_of, staff
from web.pages.rerender import provenance, rejected_letters
from web.previews import MAX_PAGES, page_count, page_png
from web.queries import review_batches, review_letters
from web.rendering import PRIVATE, pages_of, see_other
from web.strings import t

router = APIRouter()
PAGE_SIZE = 50


def _view(request: Request, letter_id: int) -> LetterView:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        return letter_view(
            uow,
            letter_id,
            documents_dir=s.settings.documents_dir,
            stale_after_signatures=s.settings.stale_after_signatures,
        )


@router.get("/review")
def review_queue(
    request: Request,
    me: Annotated[Staff, Depends(staff("read"))],
    batch: int | None = None,
    page: int = 1,
) -> Response:
    s = services_of(request)
    page = max(page, 1)
    with s.db.unit_of_work(write=False) as uow:
        batches = review_batches(uow)
        chosen = next((b for b in batches if b.id == batch), batches[0] if batches else None)
        letters = (
            review_letters(uow, chosen.id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
            if chosen
            else []
        )
        after = s.settings.stale_after_signatures
        stale = stale_marks(uow, [row.letter_id for row in letters], after_signatures=after)
        rejected = rejected_letters(uow)
        failed = failed_letters(uow)
        findings = bulk.batch_findings(uow, chosen.id) if chosen else []
        undrawable = undrawable_signers(uow, chosen.id) if chosen else []
    return pages_of(request).render(
        request,
        "review.html.j2",
        me=me,
        batches=batches,
        chosen=chosen,
        letters=letters,
        stale=stale,
        rejected=rejected,
        failed=failed,
        findings=findings,
        undrawable=undrawable,
        page=page,
        pages=-(-chosen.waiting // PAGE_SIZE) if chosen else 0,
    )


def _letter_page(
    request: Request, me: Staff, letter_id: int, *, problems: list[str], status: int = 200
) -> Response:
    s = services_of(request)
    view = _view(request, letter_id)
    pdf = verified_pdf(view, s.settings.documents_dir) if "pdf" in view.documents else b""
    # Reading a letter writes nothing (no side effects on GET, which a cross-site link could
    # trigger); the reviewer records a sample with the explicit "mark sampled" POST below.
    with s.db.unit_of_work(write=False) as uow:
        made = provenance(uow, view)
    return pages_of(request).render(
        request,
        "letter.html.j2",
        me=me,
        status=status,
        view=view,
        made=made,
        problems=problems,
        pages=min(page_count(pdf), MAX_PAGES) if pdf else 0,
        total_pages=page_count(pdf) if pdf else 0,
    )


@router.get("/review/letters/{letter_id}")
def review_letter(
    request: Request, letter_id: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    return _letter_page(request, me, letter_id, problems=[])


@router.post("/review/letters/{letter_id}/sampled")
def mark_sampled(
    request: Request, letter_id: int, me: Annotated[Staff, Depends(staff("review"))]
) -> Response:
    """Record that the reviewer has read this revision (``letter.shown``): bulk approval
    reports these letters as the sample checked before approving the rest."""
    s = services_of(request)
    view = _view(request, letter_id)
    with s.db.unit_of_work() as uow:
        record_shown(uow, view, reviewer=me.user.email, clock=s.clock)
    return see_other(f"/review/letters/{letter_id}", notice="sampled")


@router.post("/review/letters/{letter_id}/rerender")
def rerender(
    request: Request, letter_id: int, me: Annotated[Staff, Depends(staff("review"))]
) -> Response:
    """Render the letter again as a new revision, with its batch's annex and signature, inside
    the request (about 0.1 s for one letter of the example). A refusal shows the letter again."""
    s = services_of(request)
    try:
        failed = s.rerender(letter_id, actor=me.user.email).failed
        if failed:  # recorded on the letter (render_error); shown until a render succeeds
            raise TemplateError(failed[0].reason)
    except Conflict as exc:  # already in the outbox: it keeps the bytes it was queued with
        return _letter_page(request, me, letter_id, problems=[str(exc)], status=409)
    except TemplateError as exc:  # nothing new stored; the letter waits, unrendered, for a fix
        problem = t("letter.rerender_failed", error=str(exc))
        return _letter_page(request, me, letter_id, problems=[problem], status=422)
    with s.db.unit_of_work(write=False) as uow:
        status = uow.get_one(Letter, letter_id).status
        revision = current_revision(uow, letter_id)
    page = f"/review/letters/{letter_id}"
    if status == "approved":  # the appeal does not require review
        return see_other(page, notice="rerendered_approved", n=revision)
    return see_other(page, notice="rerendered", n=revision)


@router.get("/review/letters/{letter_id}/pdf")
def letter_pdf(
    request: Request, letter_id: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    view = _view(request, letter_id)
    content = verified_pdf(view, services_of(request).settings.documents_dir)
    name = f"{view.addressee.key}.r{view.revision}.pdf"
    headers = {**PRIVATE, "Content-Disposition": f'inline; filename="{name}"'}
    return Response(content, media_type="application/pdf", headers=headers)


@router.get("/review/letters/{letter_id}/pages/{page}.png")
def letter_page(
    request: Request, letter_id: int, page: int, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    s = services_of(request)
    view = _view(request, letter_id)
    pdf = verified_pdf(view, s.settings.documents_dir)
    sha = view.documents["pdf"].document.sha256
    image = page_png(pdf, sha, page, cache_dir=s.settings.data_dir / "previews")
    return Response(image, media_type="image/png", headers=PRIVATE)


def _next_letter(request: Request, batch_id: int) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        waiting = queue.letters_in_review(uow, batch_id)
    if waiting:
        return see_other(f"/review/letters/{waiting[0]}", notice="decided")
    return see_other("/review", notice="batch_done")


@router.post("/review/letters/{letter_id}/approve")
def approve_letter(
    request: Request,
    letter_id: int,
    me: Annotated[Staff, Depends(staff("review"))],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        (letter,) = s.approvals.approve(uow, [letter_id], reviewer=me.user.email, comment=comment)
        batch_id = letter.batch_id
    return _next_letter(request, batch_id)


@router.post("/review/letters/{letter_id}/reject")
def reject_letter(
    request: Request,
    letter_id: int,
    me: Annotated[Staff, Depends(staff("review"))],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        (letter,) = queue.reject(
            uow, [letter_id], reviewer=me.user.email, comment=comment, clock=s.clock
        )
        batch_id = letter.batch_id
    return _next_letter(request, batch_id)


@router.post("/review/batches/{batch_id}/approve")
def approve_batch(
    request: Request,
    batch_id: int,
    me: Annotated[Staff, Depends(staff("review"))],
    comment: Annotated[str, Form(max_length=2000)] = "",
    despite_findings: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        approved = s.approvals.approve_batch(
            uow,
            batch_id,
            reviewer=me.user.email,
            comment=comment,
            despite_findings=despite_findings == "yes",  # the form's second confirmation
        )
    return see_other("/review", notice="batch_approved", n=len(approved))
