"""The fixed wording of a letter around the appeal's own text, from gettext catalogs, and
localisation (dates, numbers, country names) for the letter's language.

Rule: every fixed phrase is a message here, keyed by a context (``_message("demands", …)``)
whose English text is the msgid; translations live in ``letters/locale/<lang>/LC_MESSAGES/
letters.po`` (compiled ``.mo`` beside them, see README "Letter wording"). ``labels(language)``
gives the mapping by key. Salutations come from the registry first, then from the addressee's
office, then from its category; they are never guessed from a name. Languages are BCP 47 tags
(``be``, ``be-Latn``, ``pt-BR``); a language without a catalog gets English labels, which
``languages_with_catalogs`` lets callers refuse.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from letters.lacinka import to_lacinka

CATALOGS = Path(__file__).parent / "locale"
DOMAIN = "letters"


def _message(key: str, english: str) -> tuple[str, str]:
    """Marks a message for ``pybabel extract`` (keyword ``_message:1c,2``): context, msgid."""
    return key, english


MESSAGES = dict(
    [
        _message("demands", "We therefore ask you to:"),
        _message("cosigners", "Co-signed by"),
        _message("supported", "This appeal is supported by {count} signatures as of {date}."),
        _message("petition", "Petition and signatures"),
        _message("page", "Page"),
        _message("of", "of"),
        _message("attachment", "The signed appeal is attached as a PDF."),
        _message("subject", "Subject"),
        _message("salutation.default", "Dear Sir or Madam,"),
        _message("salutation.president", "Dear President,"),
        _message("salutation.high-representative", "Dear High Representative,"),
        _message("salutation.secretary-general", "Dear Secretary-General,"),
        _message("salutation.foreign-secretary", "Dear Foreign Secretary,"),
        _message("salutation.secretary-of-state", "Dear Secretary of State,"),
        _message("salutation.co-chairs", "Dear Co-Chairs,"),
        _message("salutation.officers", "Dear Officers of the Group,"),
        _message("salutation.minister", "Dear Minister,"),
        _message("salutation.prime-minister", "Dear Prime Minister,"),
        _message("salutation.commissioner", "Dear Commissioner,"),
        _message("annex.heading", "Signatories — {title}, as of {date}"),
        _message(
            "annex.intro",
            "{count} people who signed agreed to have their names shown here; "
            "no other personal data is published.",
        ),
        _message("annex.page", "Signatories, page {page} of {pages}"),
        _message("reminder.subject", "Reminder: {subject}"),
        _message(
            "reminder",
            "On {date} we wrote to you about “{heading}”. As we have not yet received an "
            "answer, we are writing again: the appeal follows unchanged, with the number of "
            "signatures as it stands today. We would be grateful for your reply.",
        ),
        # Progress letters (a later milestone's letter to an addressee that already has one).
        _message("progress.subject", "Update: {subject}"),
        _message(
            "progress",
            "On {date} we sent you our appeal “{heading}”. Since then {increase} more people "
            "have signed it, {total} in all as of {today}. The appeal follows, with the "
            "signatures as they stand today.",
        ),
        _message("progress.local", "Signatories in {country}: {local}."),
    ]
)
# The offices a registry entry may name (``addressees.office``); each has a salutation message.
OFFICES = tuple(key.removeprefix("salutation.") for key in MESSAGES if key[:11] == "salutation.")
OFFICES = tuple(office for office in OFFICES if office != "default")
# Without an office, a category stands for the office usually written to.
CATEGORY_OFFICE = {"foreign-ministry": "minister", "us-caucus": "co-chairs", "uk-appg": "officers"}

# Babel uses thin and narrow no-break spaces that our bundled fonts lack; a plain no-break
# space looks the same on paper and keeps every glyph inside the fonts we embed.
_KNOWN_LOCALES = frozenset(localedata.locale_identifiers())
_SPACES = str.maketrans({"\u202f": "\u00a0", "\u2009": "\u00a0"})
_LATIN_BELARUSIAN = "be-Latn"  # Łacinka: CLDR has no data, so it is Belarusian transliterated


def catalog_dir(language: str) -> str:
    """The folder name of a BCP 47 tag's catalog: ``be-Latn`` → ``be_Latn``."""
    return language.replace("-", "_")


@cache
def languages_with_catalogs() -> frozenset[str]:
    """English (the msgids) and every language with a shipped catalog, as BCP 47 tags."""
    found = {p.parent.parent.name.replace("_", "-") for p in CATALOGS.glob("*/*/letters.po")}
    return frozenset(found | {"en"})


@cache
def _translations(language: str) -> NullTranslations:
    if language == "en" or language not in languages_with_catalogs():
        return NullTranslations()
    return Translations.load(str(CATALOGS), [catalog_dir(language)], DOMAIN)


def labels(language: str) -> dict[str, str]:
    """Every fixed phrase in ``language`` by key (English for a language without a catalog);
    a fresh dict each call, so a caller's change never reaches another letter."""
    return dict(_labels(language))


@cache
def _labels(language: str) -> dict[str, str]:
    translations = _translations(language)
    return {key: str(translations.pgettext(key, english)) for key, english in MESSAGES.items()}


def fill(template: str, **values: str) -> str:
    """``template.format(**values)``, without doubling a full stop: a long date may already
    end with one ("… 2026 г.") where the sentence ends."""
    for name, value in values.items():
        if value.endswith(".") and f"{{{name}}}." in template:
            template = template.replace(f"{{{name}}}.", f"{{{name}}}")
    return template.format(**values)


def salutation(language: str, *, office: str, category: str) -> str:
    """The greeting for an office ("Dear High Representative,"), else for the category's usual
    office, else the general one; never from a person's name."""
    words = _labels(language)
    chosen = office or CATEGORY_OFFICE.get(category, "")
    return words.get(f"salutation.{chosen}", words["salutation.default"])


def default_salutation(language: str, category: str) -> str:
    return salutation(language, office="", category=category)


@cache
def locale_for(language: str, country: str) -> str:
    """The Babel locale for a letter: the language as spoken in the addressee's country when
    Babel knows that pairing (fr_BE, de_AT), else the language itself; English is en_US for
    U.S. addressees and en_GB for everyone else (bare ``en`` means U.S. conventions). A tag
    with a script or region (``pt-BR``, ``sr-Latn``) is kept; ``be-Latn`` stays itself."""
    if language == "en":
        # Babel knows en_PL, en_DE …, which group digits the local way (91.770): an English
        # letter reads best with English conventions, U.S. or British.
        return "en_US" if country.upper() == "US" else "en_GB"
    if language == _LATIN_BELARUSIAN:
        return language
    if "-" in language:
        tag = language.replace("-", "_")
        return tag if tag in _KNOWN_LOCALES else language.split("-")[0]
    candidate = f"{language}_{country.upper()}"
    return candidate if country and candidate in _KNOWN_LOCALES else language


def _babel(locale: str) -> tuple[str, bool]:
    """The locale Babel formats with, and whether to transliterate the result to Łacinka."""
    if locale == _LATIN_BELARUSIAN:
        return "be", True
    return locale, False


@cache
def country_name(code: str, language: str) -> str:
    """'Poland' / 'Польша' for 'PL'; the code itself when Babel does not know it."""
    locale, latin = _babel(language)
    try:
        names = Locale.parse(locale).territories
    except (ValueError, UnknownLocaleError):
        return code
    name = str(names.get(code.upper(), code))
    return to_lacinka(name) if latin else name


def long_date(value: date, language: str) -> str:
    """'8 September 2021' (en_GB) / '8 сентября 2021 г.' (ru); ``language`` may be a locale."""
    locale, latin = _babel(language)
    text = format_date(value, "long", locale=locale).translate(_SPACES)
    return to_lacinka(text) if latin else text


def number(value: int, language: str) -> str:
    """'13,154' / '13 154'"""
    return str(format_decimal(value, locale=_babel(language)[0])).translate(_SPACES)
