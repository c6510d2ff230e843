"""Country and language codes as the registry and appeal files write them.

Rule: a country is an ISO 3166-1 alpha-2 code as Babel knows it (plus ``EU`` and ``XK``); a
language is a BCP 47 tag in its usual case whose language is ISO 639-1 (``be-Latn``, ``pt-BR``).
Why: the registry, the signer import and appeal files must agree on which codes exist, so they
all ask these functions rather than keeping lists of their own.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from babel import Locale

# Two-letter territories CLDR (so Babel) knows that ISO 3166-1 has not assigned to a country:
# exceptionally reserved codes (Ascension, Canary Islands …), groupings (EZ Eurozone, UN, QO),
# pseudo-locales and ZZ "Unknown Region". EU and XK (Kosovo, used by the EU itself) are added.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes as Babel knows them, plus ``EU`` for EU bodies and ``XK``."""
    codes = {str(code) for code in Locale("en").territories}
    alpha2 = {code for code in codes if len(code) == 2 and code.isalpha()}
    return frozenset((alpha2 - _NOT_COUNTRIES) | {"EU", "XK"})


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 two-letter language codes as Babel knows them."""
    return frozenset(str(code) for code in Locale("en").languages if len(str(code)) == 2)


_TAG = re.compile(r"^([a-z]{2})(?:-([A-Z][a-z]{3}))?(?:-([A-Z]{2}))?$")


def bcp47(code: str) -> str:
    """A language tag in its usual case: ``BE-latn`` → ``be-Latn``, ``pt-br`` → ``pt-BR``."""
    parts = code.strip().replace("_", "-").split("-")
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        fixed.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(fixed)


def is_language_tag(code: str) -> bool:
    """ISO 639-1 language, then optionally a script and a region (BCP 47, as letters use it)."""
    match = _TAG.match(code)
    return match is not None and match[1] in language_codes()


@lru_cache(maxsize=1024)  # a registry has a few dozen language lists, on thousands of rows
def normalized_languages(value: str) -> str:
    """A registry ``languages`` cell (``"BE-latn; ru"``) as stored: tags in their usual case,
    joined by ``;``, ``en`` when empty; ``ValueError`` naming the unknown tags."""
    codes = [bcp47(code) for code in value.split(";") if code.strip()]
    unknown = [code for code in codes if not is_language_tag(code)]
    if unknown:
        # Tags with a script or region (be-Latn, pt-BR) pass; the message keeps its words.
        raise ValueError(f"not ISO 639-1 language codes: {', '.join(unknown)}")
    return ";".join(codes) or "en"
