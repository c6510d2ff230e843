"""The public accountability page of a campaign: no login, off until staff switch it on.

Rule: it renders ``web.publishing.public_rows`` and nothing else (no emails, no internal
summaries, no letter ids), with answers overdue as of today by the report's rule, and may be
cached by browsers and proxies for ``ADVOCACY_PUBLIC_CACHE_SECONDS``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.guard import services_of
from web.publishing import public_campaign, public_rows
from web.rendering import pages_of

router = APIRouter()


@router.get("/public/{key}")
def public_page(request: Request, key: str) -> Response:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaign = public_campaign(uow, key)
        rows = public_rows(
            uow,
            campaign,
            today=s.clock.now().date(),
            working_days=s.settings.answer_deadlines,
        )
        title = campaign.title
    seconds = s.settings.public_cache_seconds
    headers = {"Cache-Control": f"public, max-age={seconds}"}
    return pages_of(request).render(
        request, "public.html.j2", me=None, headers=headers, title=title, rows=rows
    )
