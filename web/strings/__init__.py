"""Every word the web app shows, in one catalogue per language; templates call ``t(key)``.

Rule: pages never hard-code text; a translation is a copy of ``CATALOGUES["en"]`` with the
same keys (a test checks that every key a template uses exists). Values are ``str.format``
patterns; parameters are escaped by the template like any other value. The English catalogue
is kept in one file per area of the desk (``en_<area>.py``); a key belongs to exactly one.
"""

from __future__ import annotations

from typing import Any

from web.strings import (
    en_admin,
    en_common,
    en_desk,
    en_mail,
    en_registry,
    en_reports,
    en_review,
)

LOCALE = "en"


def _merged(*parts: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"web text defined twice: {', '.join(sorted(twice))}")
        merged.update(part)
    return merged


CATALOGUES: dict[str, dict[str, str]] = {
    "en": _merged(
        en_common.EN,
        en_desk.EN,
        en_review.EN,
        en_mail.EN,
        en_registry.EN,
        en_reports.EN,
        en_admin.EN,
    )
}


def has(key: str) -> bool:
    return key in CATALOGUES[LOCALE]


def t(key: str, /, **params: Any) -> str:
    """The text for ``key`` in the current language, with ``{name}`` parameters filled in."""
    return CATALOGUES[LOCALE][key].format(**params)
