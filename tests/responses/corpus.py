"""Pathological inbound mail, built byte by byte: each message with where it must land.

Every builder takes the reply address (``to``) of a letter, so a message that is readable and
human lands on that letter; what cannot be read must be quarantined, whatever it is addressed to.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from tests.responses.samples import dsn_bounce

HEAD = (
    "From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 13 Sep 2021 08:15:00 +0200\r\n"
)


@dataclass(frozen=True)
class Bad:
    name: str
    raw: bytes
    outcome: str  # what the import says
    kind: str = ""  # the stored response's kind, when stored
    reason: str = ""  # a fragment of the quarantine reason or classification rule


def _head(
    to: str, *, subject: str = "Re: Appeal", sender: str = "Desk <desk@mfa.example>", mid: str = ""
) -> bytes:
    head = HEAD.format(sender=sender, to=to, subject=subject)
    return (head + (f"Message-ID: {mid}\r\n" if mid else "")).encode()


def plain(
    to: str, body: bytes, *, charset: str, subject: str = "Re: Appeal", mid: str = ""
) -> bytes:
    content_type = (
        f'Content-Type: text/plain; charset="{charset}"\r\n' if charset is not None else ""
    )
    return _head(to, subject=subject, mid=mid) + content_type.encode() + b"\r\n" + body


def nested(depth: int, to: str) -> bytes:
    out = _head(to) + b"MIME-Version: 1.0\r\n"
    for i in range(depth):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    out += b"Content-Type: text/plain\r\n\r\nDeep down, an answer.\r\n"
    for i in reversed(range(depth)):
        out += b"--b%d--\r\n" % i
    return out


def with_attachment(to: str, *, name: str, ctype: str, cte: str, data: bytes) -> bytes:
    return (
        _head(to)
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="X"\r\n\r\n'
        + b"--X\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + b"Please find our answer attached.\r\n"
        + f'--X\r\nContent-Type: {ctype}; name="{name}"\r\n'.encode()
        + f'Content-Disposition: attachment; filename="{name}"\r\n'.encode()
        + f"Content-Transfer-Encoding: {cte}\r\n\r\n".encode()
        + data
        + b"\r\n--X--\r\n"
    )


def huge(to: str, megabytes: int) -> bytes:
    """A reply with a ``megabytes`` MB attachment (base64, so the message is a third larger)."""
    blob = base64.encodebytes(b"\x00\xff" * (megabytes * 524_288))
    return with_attachment(to, name="scan.pdf", ctype="application/pdf", cte="base64", data=blob)


def ooo(to: str, *, subject: str, body: str, headers: str) -> bytes:
    return (
        HEAD.format(sender="Desk <desk@mfa.example>", to=to, subject=subject)
        + headers
        + 'Content-Type: text/plain; charset="utf-8"\r\n\r\n'
        + body
    ).encode()


EXCHANGE = "Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n"
EXCHANGE_CLASS = (
    "X-MS-Exchange-Inbox-Rules-Loop: desk@mfa.example\r\n"
    "X-MessageClass: IPM.Note.Rules.OofTemplate.Microsoft\r\n"
)
GMAIL = "Auto-Submitted: auto-replied\r\nPrecedence: bulk\r\n"
OOO = {
    "en": ("Automatic reply: Appeal", "I am out of the office until Monday."),
    "de": ("Automatische Antwort: Appell", "Ich bin bis Montag nicht im Büro."),
    "fr": ("Réponse automatique : Appel", "Je suis absent jusqu'à lundi."),
    "es": ("Respuesta automática: Llamamiento", "Estoy fuera de la oficina hasta el lunes."),
    "it": ("Risposta automatica: Appello", "Sono fuori ufficio fino a lunedì."),
    "pl": ("Odpowiedź automatyczna: Apel", "Jestem poza biurem do poniedziałku."),
    "ru": ("Автоматический ответ: Обращение", "Я в отпуске до понедельника."),
    "uk": ("Автоматична відповідь: Звернення", "Я у відпустці до понеділка."),
    "lt": ("Automatinis atsakymas: Kreipimasis", "Nesu darbe iki pirmadienio."),
    "lv": ("Automātiskā atbilde: Aicinājums", "Esmu prombūtnē līdz pirmdienai."),
    "nl": ("Automatisch antwoord: Oproep", "Ik ben afwezig tot maandag."),
    "sv": ("Automatiskt svar: Upprop", "Jag är inte på kontoret förrän måndag."),
}
HOLDING = {
    "en": "Thank you. We will reply in due course to your letter.",
    "de": "Ihre Nachricht ist eingegangen und wird bearbeitet.",
    "fr": "Nous accusons réception de votre courriel.",
    "ru": "Ваше обращение получено и будет рассмотрено.",
    "uk": "Ваше звернення отримано та зареєстровано.",
    "be": "Ваш зварот атрыманы і будзе разгледжаны.",
    "es": "Hemos recibido su mensaje y le responderemos.",
    "it": "Abbiamo ricevuto il suo messaggio.",
    "pt": "Recebemos a sua mensagem e responderemos em breve.",
    "nl": "Wij hebben uw bericht in goede orde ontvangen.",
    "pl": "Potwierdzamy otrzymanie wiadomości.",
    "lt": "Jūsų laiškas gautas ir užregistruotas.",
    "lv": "Jūsu vēstule ir saņemta.",
    "et": "Teie kiri on kätte saadud.",
}


def webshield(to: str) -> bytes:
    """A McAfee WebShield-style notice: no RFC 3464 part, sent to the reply address."""
    return (
        HEAD.format(
            sender="WebShield@gateway.mfa.example", to=to, subject="Delivery failure notice"
        )
        + "Content-Type: text/plain\r\n\r\nWebShield SMTP V4.5: your message could not be "
        "delivered to minister@mfa.example. Recipient address rejected.\r\n"
    ).encode()


def exim(to: str, failed: str) -> bytes:
    """Exim's permanent failure: Auto-Submitted set, X-Failed-Recipients, plain text."""
    return (
        HEAD.format(
            sender="Mail Delivery System <Mailer-Daemon@mx.mfa.example>",
            to=to,
            subject="Mail delivery failed: returning message to sender",
        )
        + f"Auto-Submitted: auto-replied\r\nX-Failed-Recipients: {failed}\r\n"
        + "Content-Type: text/plain\r\n\r\nThis message was created automatically by mail "
        "delivery software.\r\n\r\nA message that you sent could not be delivered to one or more "
        "of its recipients. This is a permanent error. The following address(es) failed:\r\n"
        f"\r\n  {failed}\r\n"
    ).encode()


def lotus(to: str) -> bytes:
    return (
        HEAD.format(
            sender="Lotus Notes <notes@mfa.example>",
            to=to,
            subject="DELIVERY FAILURE: User minister not listed in Domino Directory",
        )
        + "Content-Type: text/plain\r\n\r\nYour message\r\n\r\n  Subject: Appeal\r\n\r\n"
        "was not delivered to:\r\n\r\n  minister@mfa.example\r\n"
    ).encode()


def corpus(to: str, our_id: str) -> list[Bad]:
    """Every pathological shape the issue names, addressed to the letter with reply ``to``."""
    uu = b"begin 644 answer.txt\r\nM5&AE(&UI;FES=')Y(&%G<F5E<PIgarbage\r\n"  # cut short, not valid
    cases = [
        Bad("empty", b"", "quarantined", reason="empty"),
        Bad("whitespace", b"\r\n\r\n  \r\n", "quarantined", reason="empty"),
        Bad("garbage", bytes(range(256)) * 4, "quarantined", reason="not a mail message"),
        Bad(
            "empty charset", plain(to, "Мы поддерживаем".encode(), charset=""), "stored", "response"
        ),
        Bad(
            "unknown charset",
            plain(to, "Дзякуй".encode(), charset="x-no-such-charset"),
            "stored",
            "response",
        ),
        Bad("not a text codec", plain(to, b"hello", charset="rot13"), "stored", "response"),
        Bad(
            "mislabelled ascii",
            plain(to, "Ціханоўская".encode(), charset="us-ascii"),
            "stored",
            "response",
        ),
        Bad(
            "mislabelled utf-8",
            plain(to, "Благодарим".encode("cp1251"), charset="utf-8"),
            "stored",
            "response",
        ),
        Bad(
            "8-bit utf-8 headers",
            _head(
                "office@derecognition.example",
                subject="Адказ",
                sender="Ірына Ціханоўская <i@x.example>",
            )
            + "\r\nТекст адказу".encode(),
            "unmatched",
        ),
        Bad(
            "8-bit latin-1 headers",
            _head("office@derecognition.example", subject="Réponse", sender="Hélène <h@x.example>")
            .decode()
            .encode("latin-1")
            + b"\r\nMerci",
            "unmatched",
        ),
        Bad(  # PostgreSQL refuses NUL in text: neither the sender nor the text may carry one
            "NUL bytes",
            _head(to, sender="Desk\x00 <desk@mfa.example\x00>") + b"\r\nWe\x00 reply\x00",
            "stored",
            "response",
        ),
        Bad(
            "NUL bytes, unmatched",
            _head("office@derecognition.example", sender="\x00<\x00@x.example>")
            + b"\r\nNo\x00 token",
            "unmatched",
        ),
        Bad(
            "broken base64",
            _head(to)
            + b"Content-Type: text/plain; charset=utf-8\r\n"
            + b"Content-Transfer-Encoding: base64\r\n\r\n0JTQt9GP0LrRg9C5!!!*\r\n",
            "stored",
            "response",
        ),
        Bad(
            "broken uuencode",
            with_attachment(to, name="a.txt", ctype="text/plain", cte="x-uuencode", data=uu),
            "stored",
            "response",
        ),
        Bad(
            "tnef winmail.dat",
            with_attachment(
                to,
                name="winmail.dat",
                ctype="application/ms-tnef",
                cte="base64",
                data=base64.encodebytes(b"\x78\x9f\x3e\x22" + b"\x00" * 64),
            ),
            "stored",
            "response",
        ),
        Bad(
            "truncated multipart",
            _head(to)
            + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="T"\r\n\r\n'
            + b"--T\r\nContent-Type: text/plain\r\n\r\nWe support the app",
            "quarantined",
            reason="truncated",
        ),
        Bad("1,000-deep nesting", nested(1000, to), "quarantined", reason="multipart"),
        Bad("30-deep nesting", nested(30, to), "quarantined", reason="nested deeper"),
        Bad(
            "html only with script",
            _head(to)
            + b"Content-Type: text/html; charset=utf-8\r\n\r\n"
            + b"<script>alert(1)</script><p>We agree.</p>",
            "stored",
            "response",
        ),
        Bad(
            "dsn with message-id",
            dsn_bounce("nobody@mfa.example", our_id),
            "bounce",
            reason="RFC 3464",
        ),
        Bad(
            "dsn without message-id",
            dsn_bounce("nobody@mfa.example", our_id).replace(
                b"Message-ID: <dsn-1@mx.mfa.example>\r\n", b""
            ),
            "bounce",
            reason="RFC 3464",
        ),
        Bad("webshield notice to a reply token", webshield(to), "bounce"),
        Bad("exim permanent failure", exim(to, "minister@mfa.example"), "bounce"),
        Bad("lotus delivery failure", lotus(to), "bounce"),
        Bad(
            "exchange ooo with message class",
            ooo(to, subject="Appeal", body="Away.", headers=EXCHANGE_CLASS),
            "stored",
            "acknowledgement",
            "OofTemplate",
        ),
    ]
    for lang, (subject, body) in OOO.items():
        cases.append(
            Bad(
                f"exchange ooo ({lang})",
                ooo(to, subject=subject, body=body, headers=EXCHANGE),
                "stored",
                "acknowledgement",
            )
        )
        cases.append(
            Bad(
                f"gmail ooo ({lang})",
                ooo(to, subject="Re: Appeal", body=body, headers=GMAIL),
                "stored",
                "acknowledgement",
            )
        )
        cases.append(
            Bad(
                f"unmatched ooo by subject ({lang})",
                ooo("office@derecognition.example", subject=subject, body=body, headers=""),
                "auto-reply",
            )
        )
    for lang, body in HOLDING.items():
        cases.append(
            Bad(
                f"holding reply ({lang})",
                ooo(to, subject="Re: Appeal", body=body, headers=""),
                "stored",
                "acknowledgement",
                "text:",
            )
        )
    return cases
