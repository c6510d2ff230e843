"""The sentences about an appeal's support: who stands behind it, and a progress letter's update.

Rule: counts and dates are written for the addressee's locale (``letters.wording``); a long date
that already ends with a full stop ("1 декабря 2026 г.") does not get a second one.
"""

from __future__ import annotations

from datetime import datetime

from campaigns.appeal import Appeal
from letters import wording
from letters.progress import Progress


def support_sentence(
    appeal: Appeal, language: str, locale: str, *, count: int, as_of: datetime
) -> str:
    """The sentence saying who stands behind the appeal (``Appeal.support``); "" for none."""
    if appeal.support.kind == "none":
        return ""
    if appeal.support.kind == "text":
        return appeal.support.text[language]
    return wording.fill(
        wording.labels(language)["supported"],
        count=wording.number(count, locale),
        date=wording.long_date(as_of.date(), locale),
    )


def progress_paragraph(
    progress: Progress, words: dict[str, str], language: str, locale: str, *, heading: str
) -> str:
    """A progress letter's opening: the earlier letter's day, the increase, the total, and
    (with local support) the signers from the addressee's country."""
    dates = {
        "date": wording.long_date(progress.earlier, locale),
        "today": wording.long_date(progress.as_of, locale),
    }
    pattern = words["progress"]
    for name, value in dates.items():
        if value.endswith("."):  # "1 декабря 2026 г." then the sentence's own full stop
            pattern = pattern.replace(f"{{{name}}}.", f"{{{name}}}")
    text = pattern.format(
        heading=heading,
        increase=wording.number(progress.increase, locale),
        total=wording.number(progress.total, locale),
        **dates,
    )
    if progress.local is not None:
        text += " " + words["progress.local"].format(
            country=wording.country_name(progress.country, language),
            local=wording.number(progress.local, locale),
        )
    return text
