"""Answer deadlines by kind of addressee: parsed from the setting, the most specific rule wins,
and the report and the SQL standings count overdue by the same rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bootstrap import Services
from campaigns.store import get_campaign
from errors import InputError
from responses.deadlines import Rule, parse_rules
from responses.report import response_report
from responses.standing import status_counts
from tests.delivery.steps import approve_and_enqueue
from tests.documents import stand_in_render
from tests.helpers import CAMPAIGN, load_examples, reach_milestone

RULES = "government/GB=21 days; eu-institution=15 working days; /US=30 days"


def test_the_most_specific_rule_wins() -> None:
    """Category and country first, then category, then country, then the default."""
    deadlines = parse_rules(RULES + "; government=10 days", working_days=20)
    assert deadlines.rule_for("government", "gb") == Rule(21, False, "government", "GB")
    assert deadlines.rule_for("government", "FR") == Rule(10, False, "government", "")
    assert deadlines.rule_for("foreign-ministry", "US") == Rule(30, False, "", "US")
    assert deadlines.rule_for("foreign-ministry", "LT") == Rule(20)


def test_calendar_and_working_days() -> None:
    """21 days is three weeks; 15 working days skips weekends and Lithuanian holidays."""
    deadlines = parse_rules(RULES, working_days=20)
    friday = date(2021, 9, 10)
    assert deadlines.due(friday, category="government", country="GB") == friday + timedelta(21)
    assert deadlines.due(friday, category="eu-institution", country="") == date(2021, 10, 1)


def test_a_bad_rule_is_named() -> None:
    """An entry that is not CATEGORY[/COUNTRY]=N [working] days is refused by name."""
    with pytest.raises(InputError, match="'government=soon'"):
        parse_rules("government=soon", working_days=20)


def test_report_and_standings_agree_under_rules(services: Services) -> None:
    """With a short deadline for EU institutions, the report and the SQL counts both say who
    is overdue, and the report names each addressee's deadline."""
    load_examples(services)
    batch = reach_milestone(services)
    stand_in_render(services, batch)
    approve_and_enqueue(services, batch)
    services.worker().drain_sync()
    deadlines = parse_rules("eu-institution=2 working days; /US=40 days", working_days=20)
    today = services.clock.now().date() + timedelta(days=10)
    with services.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, CAMPAIGN)
        rows = response_report(uow, campaign, today=today, working_days=deadlines)
        counts = status_counts(uow, today=today, working_days=deadlines, campaign_id=campaign.id)
    overdue = {r.addressee_key for r in rows if r.status == "overdue"}
    assert overdue
    assert all(r.category == "eu-institution" for r in rows if r.status == "overdue")
    assert counts.get((campaign.id, "overdue"), 0) == len(overdue)
    assert {r.deadline for r in rows if r.country == "US"} == {"40 days"}
