"""The report's totals for a page that shows one page of addressees: how many stand in each
status, the response rate, the rates by category and the timeline, all from aggregate SQL.

Rule: every figure is counted by the rule of ``responses.figures`` (delivered addressees,
"no-response-needed" left out, "refused" answered) over the statuses of ``responses.standing``,
so a page of the report and ``advocacy report`` show the same numbers; nothing here loads one
row per addressee except the answer times the medians need.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from responses.charts import Timeline
from responses.deadlines import Due
from responses.figures import ANSWERED, Rate, counted_rate
from responses.publish import timeline
from responses.standing import S, answer_days, status_column, status_counts
from storage.tables import Addressee, Campaign


@dataclass(frozen=True)
class Summary:
    tally: dict[str, int]  # status → addressees
    written_to: int
    median_days: float | None
    overall: Rate
    by_category: list[Rate]
    timeline: Timeline


def _category_counts(
    uow: Session, campaign_id: int, status: ColumnElement[str]
) -> list[tuple[str, int, int]]:
    """(category, counted addressees, answered among them), by ``figures.rate``'s rule."""
    counted = and_(S.delivered_at.is_not(None), status != "no-response-needed")
    query = (
        select(
            Addressee.category,
            func.count().filter(counted),
            func.count().filter(and_(counted, status.in_(ANSWERED))),
        )
        .select_from(S)
        .join(Addressee, Addressee.id == S.addressee_id)
        .where(S.campaign_id == campaign_id)
        .group_by(Addressee.category)
    )
    return [(category or "(none)", n, a) for category, n, a in uow.execute(query)]


def summary(uow: Session, campaign: Campaign, *, today: date, working_days: Due) -> Summary:
    """Everything a report page shows besides its page of addressees."""
    counts = status_counts(uow, today=today, working_days=working_days, campaign_id=campaign.id)
    tally = {status: n for (_, status), n in counts.items()}
    status = status_column(uow, today=today, working_days=working_days)
    categories = _category_counts(uow, campaign.id, status)
    days = answer_days(uow, campaign.id)
    counted_days = answer_days(uow, campaign.id, counted_only=True)
    deliveries: list[datetime] = [
        when
        for when in uow.scalars(
            select(S.delivered_at)
            .where(S.campaign_id == campaign.id, S.delivered_at.is_not(None))
            .distinct()
        )
        if when is not None
    ]
    return Summary(
        tally,
        sum(tally.values()),
        statistics.median(days) if days else None,
        counted_rate(
            "all addressees",
            delivered=sum(n for _, n, _ in categories),
            answered=sum(a for _, _, a in categories),
            days=counted_days,
        ),
        sorted(
            (counted_rate(c, delivered=n, answered=a, days=[]) for c, n, a in categories if n),
            key=lambda r: (-r.delivered, r.label),
        ),
        timeline(uow, campaign, deliveries),
    )
