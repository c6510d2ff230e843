"""Contacts that failed: bounces, permanent rejections (5xx) and web forms found gone, fed
back to the registry until staff fix or confirm the contact.

Rule: a failure stops counting once the contact is changed or confirmed after it — an open
channel check (``recipients.checks``) is cleared then, with the reason, and a failed delivery to
an address that is no longer the addressee's, or was confirmed since, is history, not a fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import InputError, NotFound, Problem
from recipients.checks import channel_checks, clear_check
from storage import audit
from storage.tables import Addressee, ChannelCheck, Delivery, Letter
from timeutil import Clock

# The delivery channel each contact feeds (the outbox's names) and back.
CHANNEL_OF = {"email": "email", "postal_address": "postal", "web_form": "manual"}
CONTACT_OF = {channel: contact for contact, channel in CHANNEL_OF.items()}


@dataclass(frozen=True)
class Failing:
    key: str
    name: str
    contact: str  # email, postal_address or web_form
    value: str
    reason: str
    since: datetime
    fix: str  # the command that fixes or confirms it


def _fix(key: str, contact: str) -> str:
    return f"advocacy recipients set {key} {contact}=… (or verify {key} --by NAME)"


def failing_contacts(uow: Session, *, key: str | None = None) -> list[Failing]:
    """Every failing contact (of one addressee if ``key``), oldest failure first."""
    found: dict[tuple[str, str], Failing] = {}
    for check in channel_checks(uow):
        contact = CONTACT_OF.get(check.channel, check.channel)
        if key is None or check.addressee == key:
            item = Failing(
                check.addressee,
                check.name,
                contact,
                check.address,
                check.reason or "flagged",
                check.flagged_at,
                _fix(check.addressee, contact),
            )
            found.setdefault((check.addressee, contact), item)
    query = (
        select(Delivery, Addressee)
        .join(Letter, Delivery.letter_id == Letter.id)
        .join(Addressee, Letter.addressee_id == Addressee.id)
        .where(Delivery.state.in_(("failed", "bounced")), Delivery.channel.in_(CONTACT_OF))
        .order_by(Delivery.finished_at, Delivery.id)
    )
    if key is not None:
        query = query.where(Addressee.key == key)
    for delivery, addressee in uow.execute(query).all():
        contact = CONTACT_OF[delivery.channel]
        if _still_failing(addressee, contact, delivery):
            item = Failing(
                addressee.key,
                addressee.name,
                contact,
                getattr(addressee, contact),
                delivery.last_error or delivery.state,
                delivery.finished_at or delivery.created_at,
                _fix(addressee.key, contact),
            )
            found.setdefault((addressee.key, contact), item)
    return sorted(found.values(), key=lambda f: (f.since, f.key))


def _still_failing(addressee: Addressee, contact: str, delivery: Delivery) -> bool:
    """True while the failed address is still the contact and nobody confirmed it since."""
    value = getattr(addressee, contact)
    if contact == "postal_address":
        current = bool(value.strip())  # a postal delivery's recipient is the addressee's name
    else:
        current = bool(value) and value[:254].lower() == delivery.recipient.lower()
    confirmed = getattr(addressee, f"{contact}_verified_on")
    failed_on = (delivery.finished_at or delivery.created_at).date()
    return current and (confirmed is None or confirmed < failed_on)


def settle_checks(
    uow: Session, key: str, contacts: list[str], *, actor: str, clock: Clock, reason: str
) -> None:
    """Clear the open channel checks of ``contacts`` (changed or confirmed), audited."""
    for contact in contacts:
        channel = CHANNEL_OF.get(contact)
        if channel is None:
            continue
        try:
            clear_check(uow, key, channel=channel, actor=actor, clock=clock, reason=reason)
        except NotFound:
            continue  # no open check on that channel: nothing to settle


def flag_contact(
    uow: Session, key: str, contact: str, *, reason: str, actor: str, clock: Clock
) -> None:
    """Record that a contact was found failing by hand (e.g. the web form is gone): the
    outbox skips its channel until staff fix or confirm it."""
    if contact not in CHANNEL_OF:
        known = ", ".join(CHANNEL_OF)
        raise InputError([Problem("flag", None, "contact", f"must be one of {known}")])
    addressee = uow.scalar(select(Addressee).where(Addressee.key == key))
    if addressee is None:
        raise NotFound(f"no addressee {key!r} (see advocacy recipients list)")
    now = clock.now()
    uow.add(
        ChannelCheck(
            addressee_id=addressee.id, channel=CHANNEL_OF[contact], reason=reason, flagged_at=now
        )
    )
    audit.record(
        uow,
        at=now,
        actor=actor,
        action="addressee.flag",
        subject=f"addressee:{key}",
        contact=contact,
        value=getattr(addressee, contact),
        reason=reason,
    )
