"""Reports: per campaign, who was written to, how it went out, who answered and how fast;
as a table with a status chart, and as a CSV download.

Rule: the figures come from ``responses.report.response_report`` alone, so the page, the CSV
and ``advocacy report`` never disagree.
"""

from __future__ import annotations

import csv
import io
import statistics
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from campaigns.store import get_campaign
from responses.report import ReportRow, response_report
from storage.tables import Campaign
from web.guard import Staff, services_of, staff
from web.rendering import PRIVATE, pages_of

router = APIRouter()
STATUSES = ("responded", "acknowledged", "awaiting", "not delivered")
COLUMNS = (
    "addressee_key",
    "addressee_name",
    "letter_status",
    "delivery",
    "delivered_at",
    "status",
    "answered_at",
    "days_to_answer",
    "channel",
    "summary",
)


def _rows(request: Request, key: str) -> tuple[Campaign, list[ReportRow]]:
    with services_of(request).db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        return campaign, response_report(uow, campaign)


@router.get("/reports")
def reports(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        campaigns = list(uow.scalars(select(Campaign).order_by(Campaign.title)))
    return pages_of(request).render(request, "reports.html.j2", me=me, campaigns=campaigns)


@router.get("/reports/{key}.csv")
def report_csv(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    _, rows = _rows(request, key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = [getattr(row, name) for name in COLUMNS]
        writer.writerow(
            ["" if c is None else c.isoformat() if hasattr(c, "isoformat") else c for c in cells]
        )
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="report-{key}.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/reports/{key}")
def report(request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    campaign, rows = _rows(request, key)
    tally = {status: sum(r.status == status for r in rows) for status in STATUSES}
    days = [r.days_to_answer for r in rows if r.days_to_answer is not None]
    return pages_of(request).render(
        request,
        "report.html.j2",
        me=me,
        campaign=campaign,
        rows=rows,
        tally=tally,
        widest=max(tally.values(), default=0) or 1,
        median_days=statistics.median(days) if days else None,
    )
