"""Per-letter identities: the Message-ID and the Reply-To token that lets a reply find its letter.

Rule: a token is ``<random id>-<hmac>``; the HMAC (keyed by the secret setting) lets matching
tell a genuine token from a mistyped or forged one without a database lookup. The VERP bounce
address ``bounce+<delivery id>-<hmac>@<reply domain>`` is signed the same way (with its own
prefix in the MAC, so a reply token's MAC never passes for a bounce address's): a bounce to an
address without a genuine MAC names no delivery (``delivery_for_bounce`` is None).

Layers: a letter's identity belongs to letters, and this module is pure (hmac, secrets, re), so
delivery and responses, above letters, import it. Campaigns, below letters, make the letter rows
of a batch: they declare the role they need (``campaigns.batches.Identities``, one method,
``new_identity``) and bootstrap hands them this ``ReplyAddresses``, which fits it structurally.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN = re.compile(r"reply\+([0-9a-f]{16}-[0-9a-f]{10})@", re.IGNORECASE)
BOUNCE = re.compile(r"bounce\+(\d{1,18})(?:-([0-9a-z]*))?@([^\s>\"';,]+)", re.IGNORECASE)
BOUNCE_MAC_LENGTH = 16


@dataclass(frozen=True)
class LetterIdentity:
    message_id: str
    reply_token: str


@dataclass(frozen=True)
class ReplyAddresses:
    """Makes and checks letter identities for one reply domain and secret."""

    domain: str
    secret: bytes

    def _mac(self, uid: str) -> str:
        return hmac.new(self.secret, uid.encode(), hashlib.sha256).hexdigest()[:10]

    def new_identity(self) -> LetterIdentity:
        uid = secrets.token_hex(8)
        return LetterIdentity(f"<letter-{uid}@{self.domain}>", f"{uid}-{self._mac(uid)}")

    def reply_to(self, token: str) -> str:
        return f"reply+{token}@{self.domain}"

    def _bounce_mac(self, delivery_id: int) -> str:
        message = f"bounce:{delivery_id}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:BOUNCE_MAC_LENGTH]

    def bounce_address(self, delivery_id: int) -> str:
        """Signed VERP envelope sender, so a bounce names the delivery it belongs to."""
        return f"bounce+{delivery_id}-{self._bounce_mac(delivery_id)}@{self.domain}"

    def delivery_for_bounce(self, address: str) -> int | None:
        """The delivery id a bounce address (or a header value holding one) names, when its
        MAC is genuine and its domain ours; None for a missing or wrong MAC (forged)."""
        for found in BOUNCE.finditer(address):
            delivery_id, mac, domain = int(found[1]), (found[2] or "").lower(), found[3]
            if domain.lower().rstrip(".") != self.domain.lower():
                continue
            if hmac.compare_digest(self._bounce_mac(delivery_id), mac):
                return delivery_id
        return None

    def bounce_addresses_in(self, text: str) -> list[str]:
        """Every bounce address of our domain in ``text``, genuine or not (for reporting)."""
        return [m[0] for m in BOUNCE.finditer(text) if m[3].lower() == self.domain.lower()]

    def is_genuine(self, token: str) -> bool:
        # Tokens are made lowercase; an address may come back upper-cased (the regex allows it).
        uid, _, mac = token.lower().partition("-")
        return hmac.compare_digest(self._mac(uid), mac)

    def tokens_in(self, text: str) -> list[str]:
        """Genuine tokens found in a header value, in order of appearance."""
        return [t.lower() for t in TOKEN.findall(text) if self.is_genuine(t)]
