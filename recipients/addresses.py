"""Email addresses of addressees: checked at import, put on the wire and in headers correctly.

Rule: an address is checked by email-validator without DNS (``check_deliverability=False``:
no network on the hot path), with its SMTPUTF8 rules; an internationalised domain goes out
IDNA 2008-encoded (``xn--…``, the A-label email-validator computes with the ``idna``
package), in the SMTP envelope and in the ``To`` header alike. A non-ASCII local part
(``андрей@…``) cannot be encoded so: it needs a server offering SMTPUTF8, and the import
warns about it.

Speed: an address whose local part is a plain ASCII dot-atom (``desk.one``, nearly all of them)
is valid exactly when its domain is, and email-validator gives it back unchanged; so such an
address checks only its domain, each domain checked once per process (an institution's staff
share one), and anything else — and any domain that fails — goes through email-validator whole,
whose message then names the address. Checking the domain was 70 % of a registry import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from errors import AdvocacyError


class BadAddress(AdvocacyError):
    """An address email-validator refuses (the message says why)."""


@dataclass(frozen=True)
class CheckedAddress:
    local_part: str
    domain: str  # as given (Unicode for an IDN)
    ascii_domain: str  # IDNA 2008 A-label form
    smtputf8: bool  # the local part is not ASCII: only an SMTPUTF8 server can take it

    @property
    def wire(self) -> str:
        """The form for SMTP: ASCII domain; the local part as is (ASCII unless ``smtputf8``)."""
        return f"{self.local_part}@{self.ascii_domain}"


# RFC 5322 atext, in dot-separated atoms: a local part email-validator takes as it is.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LOCAL_AT_MOST = 64  # RFC 5321's limit on a local part
_ADDRESS_AT_MOST = 254  # and on the whole address, as email-validator counts it


def check_address(text: str) -> CheckedAddress:
    """Parse and check ``text`` (no DNS); raises ``BadAddress`` naming the problem."""
    local, at, domain = text.strip().rpartition("@")
    if at and len(local) <= _LOCAL_AT_MOST and _DOT_ATOM.fullmatch(local):
        checked_domain = _domain(domain)
        if checked_domain is not None:
            unicode_domain, ascii_domain = checked_domain
            if len(local) + 1 + len(ascii_domain) <= _ADDRESS_AT_MOST:
                return CheckedAddress(local, unicode_domain, ascii_domain, False)
    return _checked_in_full(text)


@lru_cache(maxsize=8192)
def _domain(domain: str) -> tuple[str, str] | None:
    """The domain's normalised and ASCII forms, or ``None`` when it does not check out."""
    try:
        checked = validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.domain, checked.ascii_domain


def _checked_in_full(text: str) -> CheckedAddress:
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise BadAddress(f"{text!r} is not a usable email address: {exc}") from exc
    return CheckedAddress(
        checked.local_part, checked.domain, checked.ascii_domain, bool(checked.smtputf8)
    )


def import_warning(text: str) -> str | None:
    """What an importer should warn about ``text`` (None: nothing): a refused address, or one
    that only SMTPUTF8 servers can deliver."""
    try:
        checked = check_address(text)
    except BadAddress as exc:
        return str(exc)
    if checked.smtputf8:
        return (
            f"{text!r} has a non-ASCII local part: it can be sent only through a mail server "
            "that offers SMTPUTF8 (otherwise the delivery fails)"
        )
    return None


def header_address(display_name: str, text: str) -> Address:
    """A ``To``/``From`` header value: the display name encoded by the email package, the
    domain in its ASCII form (never an RFC 2047 word inside an address, which no one reads).
    An address that does not check out is passed on as given, for the caller's own error."""
    try:
        checked = check_address(text)
    except BadAddress:
        return Address(display_name=display_name, addr_spec=text)
    return Address(display_name, checked.local_part, checked.ascii_domain)
