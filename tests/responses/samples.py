"""Real-shaped inbound messages (Outlook, Gmail, a mailer daemon, people), as raw bytes.

Each builder takes the letter it answers (its reply address and Message-ID) where it has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from letters.identity import ReplyAddresses
from storage.tables import Letter

OOO_TEXT = {
    "en": ("Automatic reply", "I am currently out of the office until 20 September."),
    "de": (
        "Automatische Antwort",
        "Ich bin derzeit nicht im Büro und ab dem 20. September zurück.",
    ),
    "ru": (
        "Автоматический ответ",
        "Я в отпуске до 20 сентября. Ваше письмо будет прочитано позже.",
    ),
}
GMAIL_SUBJECT = {"en": "Out of office", "de": "Abwesenheitsnotiz", "ru": "Автоответ"}


def _message(sender: str, to: str, subject: str, headers: dict[str, str]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 13 Sep 2021 08:15:00 +0200"
    message["Message-ID"] = make_msgid(domain="mail.example")
    for name, value in headers.items():
        message[name] = value
    return message


def outlook_ooo(reply_to: str, our_id: str, lang: str) -> bytes:
    """Exchange's automatic reply: Auto-Submitted auto-generated, HTML and text bodies."""
    prefix, text = OOO_TEXT[lang]
    message = _message(
        "Desk Officer <desk.officer@mfa.example>",
        reply_to,
        f"{prefix}: Appeal on the recognition of the Taliban",
        {
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-MS-Exchange-Inbox-Rules-Loop": "desk.officer@mfa.example",
            "In-Reply-To": our_id,
            "Thread-Topic": "Appeal on the recognition of the Taliban",
        },
    )
    message.set_content(text)
    message.add_alternative(f"<html><body><p>{text}</p></body></html>", subtype="html")
    return message.as_bytes()


def gmail_ooo(reply_to: str, lang: str) -> bytes:
    """Gmail's vacation responder: Auto-Submitted auto-replied, the user's own subject."""
    message = _message(
        "Policy Adviser <adviser@gmail.example>",
        reply_to,
        GMAIL_SUBJECT[lang],
        {"Auto-Submitted": "auto-replied"},
    )
    message.set_content(OOO_TEXT[lang][1])
    return message.as_bytes()


def old_mailer_ooo(reply_to: str) -> bytes:
    """An out-of-office from a mailer that sets no header: only the subject tells."""
    message = _message("Cabinet <cabinet@gouv.example>", reply_to, "Absence du bureau", {})
    message.set_content("Je suis actuellement absent et je reviendrai le 20 septembre.")
    return message.as_bytes()


def html_only_reply(reply_to: str) -> bytes:
    """A person's answer written as HTML only, with a script that must never survive."""
    message = _message("Minister's Office <office@mfa.example>", reply_to, "Re: Appeal", {})
    message.set_content(
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>We share your concern.</p><div>The minister will raise it.</div></body></html>",
        subtype="html",
    )
    return message.as_bytes()


def dsn_bounce(failed: str, our_id: str) -> bytes:
    """A mailer daemon's delivery status notification (RFC 3464) for a permanent failure."""
    return (
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.mfa.example>\r\n"
        f"To: bounce+1@replies.advocacy.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Mon, 13 Sep 2021 08:16:00 +0200\r\n"
        "Message-ID: <dsn-1@mx.mfa.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
        "\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
        f"Your message could not be delivered to {failed}.\r\n"
        "\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.mfa.example\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {our_id}\r\nSubject: Appeal\r\n"
        "\r\n--B--\r\n"
    ).encode()


def person(sender: str, to: str, *, headers: dict[str, str] | None = None) -> bytes:
    """A plain answer written by a person."""
    message = _message(sender, to, "Re: Appeal", headers or {})
    message.set_content("Thank you; the ministry will answer your demands in writing.")
    return message.as_bytes()


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    outcome: str  # what import_message says
    kind: str = ""  # the response's kind when stored
    matched_by: str = ""
    addressee: str = ""  # whose letter it lands on


def mailbag(identities: ReplyAddresses, letters: dict[str, Letter]) -> list[Case]:
    """One of every shape the issue names, each with where it must land."""
    pl, lv, ee = letters["mfa-poland"], letters["mfa-latvia"], letters["mfa-lithuania"]
    token = pl.reply_token
    typo = token[:5] + token[6:]  # one character dropped
    cases = [
        Case(
            "token reply",
            person("Desk <desk@mfa.example>", identities.reply_to(token)),
            "stored",
            "response",
            "token",
            "mfa-poland",
        ),
        Case(
            "thread from another address",
            person(
                "Aide <aide@private.example>",
                "office@derecognition.example",
                headers={"In-Reply-To": lv.message_id},
            ),
            "stored",
            "response",
            "in-reply-to",
            "mfa-latvia",
        ),
        Case(
            "mistyped token",
            person("Desk <desk@mfa.example>", f"reply+{typo}@x.example"),
            "stored",
            "response",
            "guess",
            "mfa-poland",
        ),
        Case(
            "html-only reply",
            html_only_reply(identities.reply_to(ee.reply_token)),
            "stored",
            "response",
            "token",
            "mfa-lithuania",
        ),
        Case(
            "old mailer out-of-office (fr)",
            old_mailer_ooo(identities.reply_to(ee.reply_token)),
            "stored",
            "acknowledgement",
            "token",
            "mfa-lithuania",
        ),
    ]
    for lang in ("en", "de", "ru"):
        cases.append(
            Case(
                f"outlook out-of-office ({lang})",
                outlook_ooo(identities.reply_to(lv.reply_token), lv.message_id, lang),
                "stored",
                "acknowledgement",
                "token",
                "mfa-latvia",
            )
        )
        cases.append(
            Case(
                f"gmail out-of-office ({lang})",
                gmail_ooo(identities.reply_to(pl.reply_token), lang),
                "stored",
                "acknowledgement",
                "token",
                "mfa-poland",
            )
        )
    cases.append(Case("dsn bounce", dsn_bounce("nobody@mfa.example", pl.message_id), "bounce"))
    cases.append(
        Case(
            "unknown sender",
            person("Someone <someone@unknown.example>", "office@derecognition.example"),
            "unmatched",
        )
    )
    return cases
