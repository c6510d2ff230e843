"""Reports: per campaign, who was written to, how it went out, who answered and how fast;
a page of addressees at a time under the totals and charts, and the whole report as a CSV or
the PDF that ``advocacy report --format pdf`` writes.

Rule: the rows come from ``responses.report.response_report`` and the totals from
``responses.summary`` (the same status rule in SQL), both as of today with
``ADVOCACY_ANSWER_DUE_WORKING_DAYS``, so the page, the downloads and ``advocacy report`` never
disagree; the page loads only its own addressees, however many the campaign wrote to.
"""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select

import safecsv
from campaigns.store import get_campaign
from responses.charts import rate_bars_svg, timeline_svg
from responses.publish import build_report, render_report
from responses.report import ReportRow, response_report
from responses.summary import summary
from storage.tables import Campaign
from web.campaign_rows import addressee_page
from web.guard import Staff, services_of, staff
from web.rendering import PRIVATE, pages_of

router = APIRouter()
PAGE_SIZE = 50
STATUSES = (
    "responded",
    "refused",
    "acknowledged",
    "awaiting",
    "overdue",
    "no-response-needed",
    "not delivered",
)
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


def _all_rows(request: Request, key: str) -> list[ReportRow]:
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        return response_report(
            uow,
            campaign,
            today=s.clock.now().date(),
            working_days=s.settings.answer_deadlines,
        )


def _download(content: bytes, media_type: str, filename: str) -> Response:
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


@router.get("/reports")
def reports(request: Request, me: Annotated[Staff, Depends(staff("read"))]) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        campaigns = list(uow.scalars(select(Campaign).order_by(Campaign.title)))
    return pages_of(request).render(request, "reports.html.j2", me=me, campaigns=campaigns)


@router.get("/reports/{key}.csv")
def report_csv(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    out = io.StringIO()
    writer = safecsv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in _all_rows(request, key):
        cells = [getattr(row, name) for name in COLUMNS]
        writer.writerow(
            ["" if c is None else c.isoformat() if hasattr(c, "isoformat") else c for c in cells]
        )
    return _download(out.getvalue().encode(), "text/csv; charset=utf-8", f"report-{key}.csv")


@router.get("/reports/{key}.pdf")
def report_pdf(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    """The PDF that ``advocacy report CAMPAIGN --format pdf --out FILE`` writes (same code)."""
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        data = build_report(uow, key, clock=s.clock, settings=s.settings)
    content = render_report(data, "pdf", templates_dir=s.settings.templates_dir)
    return _download(content, "application/pdf", f"report-{key}.pdf")


@router.get("/reports/{key}")
def report(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))], page: int = 1
) -> Response:
    s = services_of(request)
    today, due = s.clock.now().date(), s.settings.answer_deadlines
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        totals = summary(uow, campaign, today=today, working_days=due)
        shown = addressee_page(
            uow,
            campaign,
            today=today,
            working_days=due,
            page=page,
            size=PAGE_SIZE,
            total=totals.written_to,
        )
    tally = {status: totals.tally.get(status, 0) for status in STATUSES}
    charts = {
        # Built and escaped by responses.charts from our own figures, never from markup.
        "timeline": Markup(timeline_svg(totals.timeline)),  # noqa: S704
        "categories": Markup(rate_bars_svg(totals.by_category, "Response rate by category")),  # noqa: S704
    }
    return pages_of(request).render(
        request,
        "report.html.j2",
        me=me,
        campaign=campaign,
        rows=shown.rows,
        totals=totals,
        tally=tally,
        widest=max(tally.values(), default=0) or 1,
        charts=charts,
        page=shown.page,
        pages=shown.pages,
        answer_due_days=due.working_days,
        answer_rules=due.rules,
    )
