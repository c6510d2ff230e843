"""One page of a campaign's addressees (its page and the report page): the report's rows.

Rule: the rows are ``responses.report.response_report`` with ``offset``/``limit`` and the number
of addressees comes from ``responses.standing.status_counts``, exactly as the report page pages
them (``web.pages.reports.PAGE_SIZE`` a page), so the campaign page and the report list the same
addressees in the same order with the same statuses, and neither loads every addressee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from responses.deadlines import Due
from responses.report import ReportRow, response_report
from responses.standing import status_counts
from storage.tables import Campaign


@dataclass(frozen=True)
class AddresseePage:
    rows: list[ReportRow]
    page: int  # 1-based, clamped to the pages there are
    pages: int  # at least 1


def addressee_page(
    uow: Session,
    campaign: Campaign,
    *,
    today: date,
    working_days: Due,
    page: int,
    size: int,
    total: int | None = None,
) -> AddresseePage:
    """Page ``page`` (clamped) of the addressees the campaign wrote to, by addressee key;
    ``total`` (how many were written to) when the caller has counted them already."""
    if total is None:
        counts = status_counts(uow, today=today, working_days=working_days, campaign_id=campaign.id)
        total = sum(counts.values())
    pages = max(-(-total // size), 1)
    page = min(max(page, 1), pages)
    rows = response_report(
        uow,
        campaign,
        today=today,
        working_days=working_days,
        offset=(page - 1) * size,
        limit=size,
    )
    return AddresseePage(rows, page, pages)
