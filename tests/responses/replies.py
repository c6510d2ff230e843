"""Building raw replies and importing them, for the response tests."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import select

from bootstrap import Services
from responses.inbound import import_message
from responses.outcome import Inbound
from storage.tables import Addressee, Letter


def reply(
    *,
    to: str = "office@derecognition.example",
    sender: str = "Desk Officer <desk@elsewhere.example>",
    date: str | None = "Sat, 11 Sep 2021 21:00:00 +0200",
    body: str = "Thank you for your letter; we will study the demands.",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A plain-text reply with its own Message-ID; ``headers`` adds or sets any other header."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Appeal"
    message["Message-ID"] = make_msgid(domain="elsewhere.example")
    if date is not None:
        message["Date"] = date
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def import_reply(s: Services, raw: bytes) -> Inbound:
    """Import one raw message through the real service, in its own unit of work."""
    with s.db.unit_of_work() as uow:
        return import_message(
            uow, raw, identities=s.identities, raw_dir=raw_dir(s), actor="test", clock=s.clock
        )


def raw_dir(s: Services) -> Path:
    return s.settings.data_dir / "replies"


def letters_by_key(s: Services) -> dict[str, Letter]:
    """Every letter by its addressee's key (the newest wins when there are several)."""
    with s.db.unit_of_work(write=False) as uow:
        rows = uow.execute(
            select(Addressee.key, Letter)
            .join(Letter, Letter.addressee_id == Addressee.id)
            .order_by(Letter.id)
        ).all()
    return dict(rows)


def reply_address(s: Services, key: str) -> str:
    """The reply address of the (first) letter to the addressee ``key``."""
    with s.db.unit_of_work(write=False) as uow:
        token = uow.scalar(
            select(Letter.reply_token)
            .join(Addressee, Letter.addressee_id == Addressee.id)
            .where(Addressee.key == key)
        )
    assert token is not None
    return s.identities.reply_to(token)
