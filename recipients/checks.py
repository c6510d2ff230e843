"""Channel checks: addressee channels flagged after a permanent bounce, for staff to look at.

Rule: a check is opened by ``open_check`` (a verified permanent bounce, or a 5xx refusal of
the recipient at RCPT) or by staff flagging a contact by hand (``recipients.failing``), and
closed only by staff with ``clear_check``, once they have fixed or confirmed the address;
clearing is audited with who, when and why, and the check row itself is kept
(``cleared_at``) as history. It lives with the registry (below delivery, which opens checks
on bounces): a check is about an addressee's contact, and fixing a contact clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import NotFound
from storage import audit
from storage.tables import Addressee, ChannelCheck, Delivery
from timeutil import Clock


@dataclass(frozen=True)
class CheckRow:
    id: int
    addressee: str
    name: str
    channel: str
    address: str
    reason: str
    flagged_at: datetime
    delivery_id: int | None
    cleared_at: datetime | None


def open_check(
    uow: Session, delivery: Delivery, *, addressee_id: int, reason: str, at: datetime
) -> None:
    """Flag the delivery's channel of its addressee for staff, naming why (one open check per
    addressee and channel is enough: a second refusal adds nothing to look at)."""
    already = uow.scalar(
        select(ChannelCheck.id).where(
            ChannelCheck.addressee_id == addressee_id,
            ChannelCheck.channel == delivery.channel,
            ChannelCheck.cleared_at.is_(None),
        )
    )
    if already is None:
        uow.add(
            ChannelCheck(
                addressee_id=addressee_id,
                channel=delivery.channel,
                delivery_id=delivery.id,
                reason=reason,
                flagged_at=at,
            )
        )


def channel_checks(uow: Session, *, include_cleared: bool = False) -> list[CheckRow]:
    """Flagged channels, oldest first: open ones only unless ``include_cleared``."""
    query = (
        select(ChannelCheck, Addressee)
        .join(Addressee, ChannelCheck.addressee_id == Addressee.id)
        .order_by(ChannelCheck.flagged_at, ChannelCheck.id)
    )
    if not include_cleared:
        query = query.where(ChannelCheck.cleared_at.is_(None))
    return [
        CheckRow(
            check.id,
            addressee.key,
            addressee.name,
            check.channel,
            _address(addressee, check.channel),
            check.reason,
            check.flagged_at,
            check.delivery_id,
            check.cleared_at,
        )
        for check, addressee in uow.execute(query).all()
    ]


def clear_check(
    uow: Session,
    addressee_key: str,
    *,
    channel: str = "email",
    actor: str,
    clock: Clock,
    reason: str = "",
) -> int:
    """Close the addressee's open checks on ``channel``; return how many were closed.

    Raises ``NotFound`` when the addressee is unknown or has no open check on that channel.
    """
    addressee = uow.scalar(select(Addressee).where(Addressee.key == addressee_key))
    if addressee is None:
        raise NotFound(f"no addressee {addressee_key!r}")
    checks = list(
        uow.scalars(
            select(ChannelCheck).where(
                ChannelCheck.addressee_id == addressee.id,
                ChannelCheck.channel == channel,
                ChannelCheck.cleared_at.is_(None),
            )
        )
    )
    if not checks:
        raise NotFound(f"{addressee_key} has no open check on its {channel} channel")
    now = clock.now()
    for check in checks:
        check.cleared_at = now
    audit.record(
        uow,
        at=now,
        actor=actor,
        action="channel_check.clear",
        subject=f"addressee:{addressee.key}",
        channel=channel,
        address=_address(addressee, channel),
        checks=[c.id for c in checks],
        bounce_reasons=[c.reason for c in checks],
        reason=reason,
    )
    return len(checks)


def _address(addressee: Addressee, channel: str) -> str:
    """The contact the check is about, as it stands now (staff may have fixed it)."""
    return {
        "email": addressee.email or "",
        "postal": " / ".join(line.strip() for line in addressee.postal_address.splitlines()),
        "manual": addressee.web_form or "",
    }.get(channel, "")
