"""Where every addressee stands, in SQL: the report's status rule over ``answer_standings``, so
pages count statuses (and page through addressees) without loading every row into Python.

Rule: this is ``responses.status.status_of`` restated as one SQL ``CASE``, not a second rule:
a status set by hand first, then an answer, an acknowledgement, not delivered, and ``overdue``
once the due date (``responses.deadlines``: by category and country; working days skip the
country's holidays) lies before today. Since ``due_on``
never decreases with the delivery day, "overdue" is "delivered on or before the country's
cut-off day", and each cut-off is found with ``due_on`` itself. The facts per (campaign,
addressee) are the thread's (``campaigns.threads``: first delivery of any letter, first answer
and the delivery it is credited to), kept by the triggers of migration 0009; the tests compare
them with ``response_report`` row by row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from responses.deadlines import Deadlines, Due, Rule, deadlines_of
from storage.tables import Addressee, AnswerStanding

S = AnswerStanding


def cutoff(today: date, *, working_days: int, country: str = "") -> date:
    """The last delivery day whose answer is overdue ``today`` (its due date lies before it)."""
    return rule_cutoff(today, Rule(working_days), country)


def rule_cutoff(today: date, rule: Rule, country: str) -> date:
    """``cutoff`` for one deadline rule (working or calendar days)."""
    day = today - timedelta(days=rule.days + 1)
    while rule.due(day, country) >= today:
        day -= timedelta(days=1)
    return day


def _bound(day: date) -> ColumnElement[datetime]:
    """Midnight after ``day``, typed as the column so every backend compares it as a time."""
    return literal(datetime.combine(day + timedelta(days=1), time(0), UTC), S.delivered_at.type)


def _not_overdue_from(uow: Session, today: date, deadlines: Deadlines) -> ColumnElement[datetime]:
    """Per addressee (by category and country), the first delivery time not yet overdue: a
    branch per pair a rule names, then one per country under the default."""
    pairs = sorted(set(uow.execute(select(Addressee.category, Addressee.country).distinct())))
    default = Rule(deadlines.working_days)
    branches = []
    for category, country in pairs if deadlines.rules else []:
        rule = deadlines.rule_for(category, country)
        if rule != default:
            match = and_(Addressee.category == category, Addressee.country == country)
            branches.append((match, _bound(rule_cutoff(today, rule, country))))
    for country in sorted({country for _, country in pairs}):
        branches.append(
            (Addressee.country == country, _bound(rule_cutoff(today, default, country)))
        )
    fallback = _bound(rule_cutoff(today, default, ""))
    return case(*branches, else_=fallback) if branches else fallback


def status_column(uow: Session, *, today: date | None, working_days: Due) -> ColumnElement[str]:
    """The status of an ``answer_standings`` row joined to its addressee; without ``today``
    nothing is overdue (as in ``response_report``). ``working_days``: a number of working days
    or the deadline rules (``responses.deadlines``)."""
    overdue: ColumnElement[bool] = literal(False)
    if today is not None:
        overdue = S.delivered_at < _not_overdue_from(uow, today, deadlines_of(working_days))
    return case(
        (S.manual_status.is_not(None), S.manual_status),
        (S.answered_at.is_not(None), "responded"),
        (S.acknowledged, "acknowledged"),
        (S.delivered_at.is_(None), "not delivered"),
        (overdue, "overdue"),
        else_="awaiting",
    )


def standings(
    uow: Session, *, today: date | None, working_days: Due, campaign_id: int | None = None
) -> Select[AnswerStanding, Addressee, str]:
    """(standing row, addressee, status) per addressee written to; filter and order further."""
    status = status_column(uow, today=today, working_days=working_days).label("status")
    query = select(S, Addressee, status).join(Addressee, Addressee.id == S.addressee_id)
    return query if campaign_id is None else query.where(S.campaign_id == campaign_id)


def status_counts(
    uow: Session, *, today: date | None, working_days: Due, campaign_id: int | None = None
) -> dict[tuple[int, str], int]:
    """How many addressees of each campaign stand in each status: one grouped query."""
    status = status_column(uow, today=today, working_days=working_days)
    query = (
        select(S.campaign_id, status, func.count())
        .join(Addressee, Addressee.id == S.addressee_id)
        .group_by(S.campaign_id, status)
    )
    if campaign_id is not None:
        query = query.where(S.campaign_id == campaign_id)
    return {(cid, st): n for cid, st, n in uow.execute(query)}


def answer_days(uow: Session, campaign_id: int, *, counted_only: bool = False) -> list[float]:
    """Days from the delivery of the letter the first answer is credited to, to that answer,
    for each addressee with both, as the report;
    ``counted_only`` leaves out "no-response-needed" (as a rate does)."""
    query = select(S.credited_delivered_at, S.answered_at).where(
        S.campaign_id == campaign_id,
        S.credited_delivered_at.is_not(None),
        S.answered_at.is_not(None),
    )
    if counted_only:
        query = query.where(S.manual_status.is_distinct_from("no-response-needed"))
    return [
        round((answered - delivered).total_seconds() / 86400, 1)
        for delivered, answered in uow.execute(query)
        if answered is not None and delivered is not None  # the query's own condition
    ]
