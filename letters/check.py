"""``advocacy campaign check``: what in an appeal and its targets would make letters wrong.

Rule: findings are data (``Finding(subject, message)``) and never block on their own: approving
a batch of a campaign with findings needs ``--despite-findings`` (web: a second confirmation),
recorded in the audit. What is looked for:

- placeholders: a ``.example``/``example.com``/``petition.example`` domain or "(example)" in
  the appeal (sender, co-signers, petition URL — and so the QR code);
- a targeted addressee with no text in any of its languages (it would get the default one);
- a targeted addressee without a channel (no email, postal address or web form);
- an addressee with an office (``office`` or ``title``) but no holder recorded, or an office
  key the wording does not know (its letter would fall back to "Dear Sir or Madam,").

It lives in letters, not campaigns: it asks what the letters would say (the wording's offices).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from campaigns.appeal import Appeal
from letters.wording import OFFICES
from recipients.selection import Facts, resolve_facts

_PLACEHOLDER_DOMAIN = re.compile(
    r"\b[\w.-]*(?:\.example|example\.(?:com|org|net)|\.invalid|\.test)\b", re.IGNORECASE
)
_EXAMPLE_WORD = re.compile(r"\((?:example|placeholder|todo)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    subject: str  # "appeal: sender.email", "addressee mfa-japan"
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def check_campaign(uow: Session, appeal: Appeal) -> list[Finding]:
    """Every finding for ``appeal`` and the addressees it targets now (read on each call: the
    review page shows these, so a registry change shows on its next view)."""
    findings = list(_placeholders(appeal))
    for addressee in resolve_facts(uow, appeal.targets):
        findings += _addressee_findings(appeal, addressee)
    return findings


def _appeal_values(appeal: Appeal) -> Iterator[tuple[str, str]]:
    yield "petition_url", appeal.petition_url
    for name, value in appeal.sender.model_dump().items():
        yield f"sender.{name}", str(value)
    for number, cosigner in enumerate(appeal.cosigners, start=1):
        for name, value in cosigner.model_dump().items():
            yield f"cosigners[{number}].{name}", str(value)


def _placeholders(appeal: Appeal) -> Iterator[Finding]:
    for where, value in _appeal_values(appeal):
        for pattern, what in ((_PLACEHOLDER_DOMAIN, "placeholder domain"), (_EXAMPLE_WORD, "")):
            match = pattern.search(value)
            if match:
                kind = what or "placeholder text"
                yield Finding(f"appeal: {where}", f"{kind} {match[0]!r} (in {value!r})")


def _addressee_findings(appeal: Appeal, addressee: Facts) -> list[Finding]:
    subject = f"addressee {addressee.key}"
    found = []
    languages = addressee.languages.split(";")
    language, why = appeal.language_choice(languages, key=addressee.key)
    if why.startswith("default"):
        found.append(Finding(subject, f"no text in {', '.join(languages)}; gets {language}"))
    if not (addressee.email or addressee.postal_address or addressee.web_form):
        found.append(Finding(subject, "no channel: no email, postal address or web form"))
    office = addressee.office or ""
    if office and office not in OFFICES:
        known = ", ".join(OFFICES)
        found.append(Finding(subject, f"unknown office {office!r} (known: {known})"))
    if (addressee.title or office) and not addressee.person:
        named = addressee.title or office
        found.append(Finding(subject, f"office {named!r} has no holder recorded"))
    if addressee.email and _PLACEHOLDER_DOMAIN.search(addressee.email):
        found.append(Finding(subject, f"placeholder email address {addressee.email!r}"))
    return found
