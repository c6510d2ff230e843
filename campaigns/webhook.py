"""The signature webhook as a service: the HTTP route only reads the request and maps errors.

Rule: checks run before anything is written, cheapest first: size (``PayloadTooLarge``, 413),
then the signature and its timestamp (``Unauthenticated``, 401), then the body (``InputError``
naming the field, 422). Only then are signers stored and the count raised, in the caller's unit
of work, exactly as an import does (``lock_campaign`` first, so 50 concurrent calls add up).

The platform signs each request with the campaign's secret (``advocacy campaign secret``)::

    Advocacy-Timestamp: <unix seconds>
    Advocacy-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

A replayed request inside the window changes nothing: its signers are already stored and a
repeated ``{"count": N}`` is the same count again. Bodies (JSON, OSDI-style):
``{"person": {...}}`` one signature; ``{"signatures": [...]}`` or
``{"_embedded": {"osdi:signatures": [...]}}`` a batch; ``{"count": N, "as_of": ISO}`` a count.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from campaigns.signatures import MAX_SIGNATURES, CountOutcome, Recorder, add_signatures, set_count
from campaigns.signer_store import insert_new_signers
from campaigns.signers import EmailKeys, SignerRecord, check_signer
from campaigns.store import get_campaign, lock_campaign
from errors import InputError, NotFound, PayloadTooLarge, Problem, Unauthenticated
from storage import audit
from timeutil import Clock

SIGNATURE_HEADER = "Advocacy-Signature"
TIMESTAMP_HEADER = "Advocacy-Timestamp"
BODY = "request body"
# Where each signer field sits in an OSDI signature, for 422 messages that name it.
_OSDI_FIELD = {
    "email": "person.email_addresses.0.address",
    "name": "person.given_name",
    "city": "person.postal_addresses.0.locality",
    "country": "person.postal_addresses.0.country",
    "signed_at": "created_date",
    "public": "public",
}


@dataclass(frozen=True)
class WebhookLimits:
    max_bytes: int
    replay: timedelta


@dataclass(frozen=True)
class WebhookOutcome:
    received: int
    new: int
    count: CountOutcome


class _Osdi(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Email(_Osdi):
    address: str = Field(max_length=320)
    primary: bool = False


class _Address(_Osdi):
    locality: str = ""
    country: str = ""


class _Person(_Osdi):
    given_name: str = ""
    family_name: str = ""
    email_addresses: list[_Email] = Field(min_length=1)
    postal_addresses: list[_Address] = []


class _Signature(_Osdi):
    person: _Person
    created_date: str = ""
    public: bool = False


class _Batch(BaseModel):
    signatures: list[_Signature] = Field(min_length=1, max_length=10_000)


class _Count(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: int = Field(ge=0, le=MAX_SIGNATURES)
    as_of: AwareDatetime | None = None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``Advocacy-Signature`` value for ``body`` sent at ``timestamp`` (unix seconds)."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def new_webhook_secret(uow: Session, campaign_key: str, *, actor: str, clock: Clock) -> str:
    """Give the campaign a new webhook secret (the old one stops working); return it once."""
    campaign = get_campaign(uow, campaign_key)
    campaign.webhook_secret = secrets.token_urlsafe(32)
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="webhook.secret",
        subject=f"campaign:{campaign.key}",
        campaign_id=campaign.id,
    )
    return campaign.webhook_secret


def _verify(
    secret: str | None,
    body: bytes,
    *,
    signature: str,
    timestamp: str,
    now: datetime,
    replay: timedelta,
) -> None:
    if not secret:
        raise Unauthenticated("this campaign's webhook is off (advocacy campaign secret CAMPAIGN)")
    try:
        sent = datetime.fromtimestamp(int(timestamp.strip()), UTC)
    except (ValueError, OverflowError, OSError):
        raise Unauthenticated(f"{TIMESTAMP_HEADER} must be unix seconds") from None
    if abs(now - sent) > replay:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} is outside the replay window")
    expected = sign(secret, timestamp.strip(), body)
    # Constant time: the comparison must not tell an attacker how many characters matched.
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise Unauthenticated(f"{SIGNATURE_HEADER} does not match the body")


def _problems(error: ValidationError, prefix: str) -> list[Problem]:
    found = []
    for item in error.errors():
        where = prefix + ".".join(str(part) for part in item["loc"])
        message = "is missing" if item["type"] == "missing" else item["msg"]
        found.append(Problem(BODY, None, where or "body", message.removeprefix("Value error, ")))
    return found


def _parse(body: bytes) -> tuple[_Count | list[_Signature], str]:
    """The body as a count or a list of signatures, and the path prefix of those signatures."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(BODY, None, "body", f"not JSON ({exc})")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(BODY, None, "body", "must be a JSON object")])
    embedded = data.get("_embedded")
    try:
        if "count" in data:
            return _Count.model_validate(data), ""
        if "person" in data:
            return [_Signature.model_validate(data)], ""
        if isinstance(embedded, dict) and "osdi:signatures" in embedded:
            batch = _Batch.model_validate({"signatures": embedded["osdi:signatures"]})
            return batch.signatures, "_embedded.osdi:"
        return _Batch.model_validate(data).signatures, ""
    except ValidationError as exc:
        raise InputError(_problems(exc, "_embedded.osdi:" if embedded else "")) from None


def _signers(
    signatures: list[_Signature], prefix: str, *, keys: EmailKeys, now: datetime
) -> list[SignerRecord]:
    records, problems = [], []
    for i, signature in enumerate(signatures):
        person = signature.person
        email = next((e for e in person.email_addresses if e.primary), person.email_addresses[0])
        place = person.postal_addresses[0] if person.postal_addresses else _Address()
        values: dict[str, str | bool] = {
            "email": email.address,
            "name": f"{person.given_name} {person.family_name}",
            "city": place.locality,
            "country": place.country,
            "signed_at": signature.created_date,
            "public": signature.public,
        }
        record, found = check_signer(values, keys=keys, now=now)
        base = f"{prefix}signatures.{i}." if len(signatures) > 1 or prefix else ""
        problems += [Problem(BODY, None, base + _OSDI_FIELD[f], m) for f, m in found]
        records += [record] if record else []
    if problems:
        raise InputError(problems)
    return records


def accept_signatures(
    uow: Session,
    campaign_key: str,
    raw_body: bytes,
    signature_header: str,
    timestamp_header: str,
    *,
    keys: EmailKeys,
    recorder: Recorder,
    limits: WebhookLimits,
) -> WebhookOutcome:
    """Verify and apply one webhook call (see the module docstring for what is checked)."""
    if len(raw_body) > limits.max_bytes:
        raise PayloadTooLarge(f"body of {len(raw_body):,} bytes; the limit is {limits.max_bytes:,}")
    try:
        secret = get_campaign(uow, campaign_key).webhook_secret
    except NotFound:
        # Anyone may call the webhook: its 404 must not list the other (unpublished) campaigns.
        raise NotFound(f"no campaign {campaign_key!r}") from None
    now = recorder.clock.now()
    _verify(
        secret,
        raw_body,
        signature=signature_header,
        timestamp=timestamp_header,
        now=now,
        replay=limits.replay,
    )
    parsed, prefix = _parse(raw_body)
    if isinstance(parsed, _Count):
        outcome = set_count(
            uow,
            campaign_key,
            parsed.count,
            as_of=parsed.as_of,
            source="webhook",
            identities=recorder.identities,
            actor=recorder.actor,
            clock=recorder.clock,
            policy=recorder.policy,
        )
        return WebhookOutcome(0, 0, outcome)
    records = _signers(parsed, prefix, keys=keys, now=now)
    campaign = lock_campaign(uow, campaign_key)
    new = insert_new_signers(uow, campaign.id, records, source="webhook")
    count = add_signatures(uow, campaign, new, as_of=None, source="webhook", recorder=recorder)
    return WebhookOutcome(len(records), new, count)
