"""The fixed wording of a letter around the appeal's own text, per language, and localisation.

Rule: salutations come from the registry first; the defaults here are per category and never
gendered, since we do not guess anyone's gender. A language missing here falls back to English
for these labels only; the appeal's own text is always in the letter's language.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date
from babel.numbers import format_decimal

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "demands": "We therefore ask you to:",
        "cosigners": "Co-signed by",
        "supported": "This appeal is supported by {count} signatures as of {date}.",
        "petition": "Petition and signatures",
        "page": "Page",
        "of": "of",
        "attachment": "The signed appeal is attached as a PDF.",
        "salutation.default": "Dear Sir or Madam,",
        "salutation.foreign-ministry": "Dear Minister,",
        "salutation.us-caucus": "Dear Co-Chairs,",
        "salutation.uk-appg": "Dear Officers of the Group,",
        "salutation.eu-institution": "Dear President,",
        "annex.heading": "Signatories — {title}, as of {date}",
        "annex.intro": "{count} people who signed agreed to have their names shown here; "
        "no other personal data is published.",
        "annex.page": "Signatories, page {page} of {pages}",
        "reminder.subject": "Reminder: {subject}",
        "reminder": "On {date} we wrote to you about “{heading}”. As we have not yet received "
        "an answer, we are writing again: the appeal follows unchanged, with the number of "
        "signatures as it stands today. We would be grateful for your reply.",
        # Progress letters (a later milestone's letter to an addressee that already has one).
        "progress.subject": "Update: {subject}",
        "progress": "On {date} we sent you our appeal “{heading}”. Since then {increase} more "
        "people have signed it, {total} in all as of {today}. The appeal follows, with the "
        "signatures as they stand today.",
        "progress.local": "Signatories in {country}: {local}.",
    },
    "ru": {
        "demands": "Поэтому мы просим вас:",
        "cosigners": "Обращение поддержали",
        "supported": "Это обращение поддержали {count} человек (по состоянию на {date}).",
        "petition": "Петиция и подписи",
        "page": "Страница",
        "of": "из",
        "attachment": "Подписанное обращение приложено в формате PDF.",
        "salutation.default": "Уважаемые дамы и господа!",
        "salutation.foreign-ministry": "Уважаемые дамы и господа!",
        "salutation.us-caucus": "Уважаемые сопредседатели!",
        "salutation.uk-appg": "Уважаемые члены группы!",
        "salutation.eu-institution": "Уважаемые дамы и господа!",
        "annex.heading": "Подписавшие — {title}, по состоянию на {date}",
        "annex.intro": "Подписавшие, согласившиеся на публикацию своего имени: {count}. "
        "Другие личные данные не публикуются.",
        "annex.page": "Подписавшие, страница {page} из {pages}",
        "reminder.subject": "Напоминание: {subject}",
        "reminder": "{date} мы направили вам обращение «{heading}». Ответа мы пока не "
        "получили, поэтому пишем повторно: текст обращения приводится ниже без изменений, "
        "число подписей — на сегодняшний день. Будем признательны за ваш ответ.",
        "progress.subject": "Новые подписи: {subject}",
        "progress": "{date} мы направили вам обращение «{heading}». С тех пор его подписали "
        "ещё {increase} человек, всего {total} на {today}. Ниже приводится текст обращения "
        "с числом подписей на сегодняшний день.",
        "progress.local": "Подписавшие из страны «{country}»: {local}.",
    },
}

# Babel uses thin and narrow no-break spaces that our bundled fonts lack; a plain no-break
# space looks the same on paper and keeps every glyph inside the fonts we embed.
_KNOWN_LOCALES = frozenset(localedata.locale_identifiers())
_SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": "\u00a0"})


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def default_salutation(language: str, category: str) -> str:
    words = labels(language)
    return words.get(f"salutation.{category}", words["salutation.default"])


@cache
def locale_for(language: str, country: str) -> str:
    """The Babel locale for a letter: the language as spoken in the addressee's country when
    Babel knows that pairing (fr_BE, de_AT), else the language itself; English is en_US for
    U.S. addressees and en_GB for everyone else (bare ``en`` means U.S. conventions)."""
    if language == "en":
        # Babel knows en_PL, en_DE …, which group digits the local way (91.770): an English
        # letter reads best with English conventions, U.S. or British.
        return "en_US" if country.upper() == "US" else "en_GB"
    candidate = f"{language}_{country.upper()}"
    return candidate if country and candidate in _KNOWN_LOCALES else language


@cache
def country_name(code: str, language: str) -> str:
    """'Poland' / 'Польша' for 'PL'; the code itself when Babel does not know it."""
    try:
        names = Locale.parse(language).territories
    except (ValueError, UnknownLocaleError):
        return code
    return str(names.get(code.upper(), code))


def long_date(value: date, language: str) -> str:
    """'8 September 2021' (en_GB) / '8 сентября 2021 г.' (ru); ``language`` may be a locale."""
    return format_date(value, "long", locale=language).translate(_SPACES)


def number(value: int, language: str) -> str:
    """'13,154' / '13 154'"""
    return str(format_decimal(value, locale=language)).translate(_SPACES)
