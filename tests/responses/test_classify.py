"""Classification order and vendor formats: bounces before auto-replies, holding replies by text."""

from __future__ import annotations

from responses.classify import classify, vendor_bounce
from responses.parse import read
from tests.responses.corpus import EXCHANGE, exim, lotus, ooo, webshield

DOMAIN = "replies.advocacy.example"
TO = f"reply+0123456789abcdef-0123456789@{DOMAIN}"


def _verdict(raw: bytes) -> tuple[str, str]:
    verdict = classify(read(raw, max_bytes=1 << 20), domain=DOMAIN)
    return verdict.kind, verdict.rule


def test_exim_failure_is_a_bounce_though_marked_auto_submitted() -> None:
    """Exim marks its failure reports Auto-Submitted; they are bounces all the same."""
    assert _verdict(exim(TO, "minister@mfa.example"))[0] == "bounce"


def test_exim_failure_is_known_by_its_x_failed_recipients_header() -> None:
    """Without flufl.bounce, the X-Failed-Recipients header alone tells the vendor format."""
    assert vendor_bounce(read(exim(TO, "m@mfa.example"), max_bytes=1 << 20)) == (
        "X-Failed-Recipients header"
    )


def test_webshield_notice_is_a_vendor_bounce() -> None:
    """A WebShield gateway's notice (no RFC 3464 part) is recognised by its own wording."""
    assert vendor_bounce(read(webshield(TO), max_bytes=1 << 20)) != ""


def test_lotus_notes_failure_is_a_vendor_bounce() -> None:
    """Lotus Notes' DELIVERY FAILURE subject is a failure notice."""
    assert vendor_bounce(read(lotus(TO), max_bytes=1 << 20)) == "failure-notice subject"


def test_exchange_ndr_without_report_part_is_a_bounce() -> None:
    """Exchange's 'Undeliverable:' notice from the postmaster is a bounce, not an answer."""
    raw = ooo(
        TO,
        subject="Undeliverable: Appeal",
        body="Delivery has failed to these recipients or groups: minister@mfa.example",
        headers="",
    ).replace(b"Desk <desk@mfa.example>", b"postmaster@mfa.example")
    assert _verdict(raw) == ("bounce", "failure-notice subject")


def test_auto_reply_to_our_bounce_address_is_an_auto_reply() -> None:
    """RFC 3834 answers go to the envelope sender: an out-of-office there is no bounce."""
    raw = ooo(f"bounce+7@{DOMAIN}", subject="Out of office", body="Away.", headers=EXCHANGE)
    assert _verdict(raw)[0] == "auto-reply"


def test_plain_mail_to_our_bounce_address_is_a_bounce() -> None:
    """Anything else sent to the bounce address is a failure report of some kind."""
    raw = ooo(f"bounce+7@{DOMAIN}", subject="Returned", body="Sorry.", headers="")
    assert _verdict(raw) == ("bounce", "sent to our bounce address")


def test_receipt_mentioned_late_in_an_answer_keeps_it_an_answer() -> None:
    """Only the opening is read for holding phrases; a real answer that mentions one later
    on stays an answer."""
    body = "The minister has read your appeal and shares its demands. " * 12
    raw = ooo(TO, subject="Re: Appeal", body=body + "We acknowledge receipt.", headers="")
    assert _verdict(raw) == ("answer", "")
