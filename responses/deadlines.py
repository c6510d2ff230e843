"""Answer deadlines by kind of addressee: N working days (weekends and the country's holidays
excluded) or N calendar days after delivery, per category, country, or both.

Rule: the most specific rule wins (category and country, then category, then country), and an
addressee no rule names gets ``ADVOCACY_ANSWER_DUE_WORKING_DAYS`` working days. Rules are
written ``government/GB=21 days; eu-institution=15 working days; /US=30 days`` in
``ADVOCACY_ANSWER_DUE_RULES``; a bad entry is an ``InputError`` naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from errors import InputError, Problem
from timeutil import due_on

SETTING = "ADVOCACY_ANSWER_DUE_RULES"
_ENTRY = re.compile(
    r"^(?P<category>[a-z0-9-]*)(?:/(?P<country>[A-Za-z]{2}))?\s*=\s*"
    r"(?P<days>\d{1,3})\s+(?P<unit>working days?|days?)$"
)


@dataclass(frozen=True)
class Rule:
    days: int
    working: bool = True
    category: str = ""  # "" matches any
    country: str = ""  # "" matches any (upper case)

    def describe(self) -> str:
        return f"{self.days} {'working ' if self.working else ''}day{'s' if self.days != 1 else ''}"

    def due(self, delivered: date, country: str) -> date:
        if self.working:
            return due_on(delivered, working_days=self.days, country=country)
        return delivered + timedelta(days=self.days)


@dataclass(frozen=True)
class Deadlines:
    """The default (working days) and the rules that override it."""

    working_days: int
    rules: tuple[Rule, ...] = ()

    def rule_for(self, category: str, country: str) -> Rule:
        country = country.upper()
        for wanted in ((category, country), (category, ""), ("", country)):
            for rule in self.rules:
                if (rule.category, rule.country) == wanted and any(wanted):
                    return rule
        return Rule(self.working_days)

    def due(self, delivered: date, *, category: str, country: str) -> date:
        return self.rule_for(category, country).due(delivered, country)


Due = int | Deadlines  # what report functions take: a number of working days, or rules


def deadlines_of(due: Due) -> Deadlines:
    return due if isinstance(due, Deadlines) else Deadlines(due)


def parse_rules(text: str, *, working_days: int) -> Deadlines:
    """The rules of ``ADVOCACY_ANSWER_DUE_RULES`` over the default ``working_days``."""
    rules, problems = [], []
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        found = _ENTRY.match(entry)
        if found is None or int(found["days"]) < 1 or not (found["category"] or found["country"]):
            message = f"{entry!r}: write CATEGORY[/COUNTRY]=N days or N working days"
            problems.append(Problem(SETTING, None, "rule", message))
            continue
        rules.append(
            Rule(
                int(found["days"]),
                working=found["unit"].startswith("working"),
                category=found["category"],
                country=(found["country"] or "").upper(),
            )
        )
    if problems:
        raise InputError(problems)
    return Deadlines(working_days, tuple(rules))
