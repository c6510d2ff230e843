"""Signers: check what a petition platform sends, key the email, store minimally, purge.

Rule: no email address is ever stored. A signer is known by ``email_key`` =
HMAC-SHA256(``ADVOCACY_SECRET_KEY``, normalised email), normalised = stripped, lowercased and
syntax-checked by email-validator (no DNS). CSV imports and the webhook share this module, so a
person who signs through both is counted once; changing the secret key makes earlier signers
unrecognisable (they would be counted again).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any, TypeVar, cast

from babel import Locale
from email_validator import EmailNotValidError
from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from campaigns.store import get_campaign
from recipients.record import country_codes, normalized_email
from storage import audit
from storage.tables import Signer
from timeutil import Clock

T = TypeVar("T")
FIELDS = ("name", "email", "city", "country", "signed_at", "public")
_LIMITS = {"name": 200, "city": 120}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_YES = frozenset({"1", "true", "yes", "y", "x", "ja", "oui", "да", "public", "consent"})
_NO = frozenset({"", "0", "false", "no", "n", "nein", "non", "нет", "private"})
# Rows per INSERT statement batch: big enough to amortise, small enough to bound memory.
CHUNK = 5_000


@dataclass(frozen=True)
class EmailKeys:
    """The keyed hash that stands in for an email address."""

    secret: bytes

    def key(self, normalised_email: str) -> str:
        return hmac.digest(self.secret, normalised_email.encode(), "sha256").hex()


@dataclass(frozen=True, slots=True)
class SignerRecord:
    """One checked signer, ready to store."""

    email_key: str
    name: str | None
    city: str | None
    country: str | None
    signed_at: datetime
    public: bool


@cache
def _country_names() -> dict[str, str]:
    """Country names in the languages petition exports use, lowercased, to ISO codes."""
    names: dict[str, str] = {}
    for language in ("en", "de", "fr", "es", "it", "pl", "ru", "nl"):
        for code, name in Locale(language).territories.items():
            if str(code) in country_codes():
                names.setdefault(name.lower(), str(code))
    return names


def _country(value: str) -> str | None:
    if not value:
        return None
    if len(value) == 2 and value.upper() in country_codes():
        return value.upper()
    code = _country_names().get(value.lower())
    if code is None:
        raise ValueError(f"unknown country {value!r} (use an ISO code such as BE or a name)")
    return code


def _when(value: str, default: datetime) -> datetime:
    """ISO 8601 (a date alone is midnight); a time without an offset is taken as UTC."""
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value), time())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date or time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _consent(value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    word = value.strip().lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise ValueError(f"{value!r} is neither yes nor no (1/0, true/false, yes/no)")


def _text(field: str, value: str) -> str | None:
    value = " ".join(value.split())
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    if len(value) > _LIMITS[field]:
        raise ValueError(f"longer than {_LIMITS[field]} characters")
    return value or None


def _email(value: str) -> str:
    if not value.strip():
        raise ValueError("is missing (signers are told apart by email)")
    try:
        return normalized_email(value.strip().lower()).lower()
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


class _Problems:
    """Collects (field, problem) pairs while parsing one signer."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def parse(self, field: str, parse: Callable[[], T], fallback: T) -> T:
        try:
            return parse()
        except ValueError as exc:
            self.found.append((field, str(exc)))
            return fallback


def check_signer(
    values: Mapping[str, str | bool], *, keys: EmailKeys, now: datetime
) -> tuple[SignerRecord | None, list[tuple[str, str]]]:
    """Check one signer's raw fields (see ``FIELDS``); return the record, or (field, problem)s.

    A missing ``signed_at`` is ``now``; missing consent is *no* (nobody is listed publicly
    unless they said so).
    """
    text = {f: str(values.get(f) or "") for f in FIELDS if f != "public"}
    check = _Problems()
    email = check.parse("email", lambda: _email(text["email"]), "")
    name = check.parse("name", lambda: _text("name", text["name"]), None)
    city = check.parse("city", lambda: _text("city", text["city"]), None)
    country = check.parse("country", lambda: _country(text["country"].strip()), None)
    signed_at = check.parse("signed_at", lambda: _when(text["signed_at"].strip(), now), now)
    public = check.parse("public", lambda: _consent(values.get("public") or ""), False)
    if check.found:
        return None, check.found
    return SignerRecord(keys.key(email), name, city, country, signed_at, public), []


def _rows(campaign_id: int, records: Sequence[SignerRecord], source: str) -> list[dict[str, Any]]:
    return [
        {
            "campaign_id": campaign_id,
            "email_key": r.email_key,
            "name": r.name,
            "city": r.city,
            "country": r.country,
            "signed_at": r.signed_at,
            "public": r.public,
            "source": source,
        }
        for r in records
    ]


def _insert_skipping_known(uow: Session) -> Insert:
    dialect = uow.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # The Core table, not the mapped class: the ORM's bulk path costs ~10 µs a row here.
    table = cast(Table, Signer.__table__)
    return insert(table).on_conflict_do_nothing(index_elements=["campaign_id", "email_key"])


def insert_signers(
    uow: Session, campaign_id: int, records: Sequence[SignerRecord], *, source: str
) -> None:
    """Store many records fast; one already stored for the campaign (same key) is skipped.

    Count the new ones with ``signer_total`` before and after, under ``lock_campaign``
    (drivers do not agree on a row count for a bulk insert).
    """
    if records:
        uow.execute(_insert_skipping_known(uow), _rows(campaign_id, records, source))


def insert_new_signers(
    uow: Session, campaign_id: int, records: Sequence[SignerRecord], *, source: str
) -> int:
    """Store a few records, skipping known ones as ``insert_signers`` does; return how many
    were new (``RETURNING``: no count over all the campaign's signers)."""
    if not records:
        return 0
    statement = _insert_skipping_known(uow).returning(Signer.__table__.c.id)
    return len(uow.execute(statement, _rows(campaign_id, records, source)).all())


def signer_total(uow: Session, campaign_id: int) -> int:
    """How many distinct signers the campaign has stored."""
    query = select(func.count()).select_from(Signer).where(Signer.campaign_id == campaign_id)
    return int(uow.scalar(query) or 0)


def purge_personal_data(
    uow: Session, campaign_key: str, *, before: datetime, actor: str, clock: Clock
) -> int:
    """Erase name, city and country of the campaign's signers who signed before ``before``.

    The rows stay (counts and de-duplication need the email key); ``purged_at`` marks them.
    Returns how many signers were purged now (already purged ones are not counted again).
    """
    campaign = get_campaign(uow, campaign_key)
    purged = uow.execute(
        update(Signer)
        .where(
            Signer.campaign_id == campaign.id,
            Signer.signed_at < before,
            Signer.purged_at.is_(None),
        )
        .values(name=None, city=None, country=None, purged_at=clock.now())
    )
    count = int(getattr(purged, "rowcount", 0) or 0)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="signers.purge",
        subject=f"campaign:{campaign.key}",
        campaign_id=campaign.id,
        before=before.isoformat(),
        purged=count,
    )
    return count
