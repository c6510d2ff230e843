"""Per-letter identities: the Message-ID and the Reply-To token that lets a reply find its letter.

Rule: a token is ``<random id>-<hmac>``; the HMAC (keyed by the secret setting) lets matching
tell a genuine token from a mistyped or forged one without a database lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN = re.compile(r"reply\+([0-9a-f]{16}-[0-9a-f]{10})@", re.IGNORECASE)


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

    def bounce_address(self, delivery_id: int) -> str:
        """VERP-style envelope sender, so a bounce names the delivery it belongs to."""
        return f"bounce+{delivery_id}@{self.domain}"

    def is_genuine(self, token: str) -> bool:
        # Tokens are made lowercase; an address may come back upper-cased (the regex allows it).
        uid, _, mac = token.lower().partition("-")
        return hmac.compare_digest(self._mac(uid), mac)

    def tokens_in(self, text: str) -> list[str]:
        """Genuine tokens found in a header value, in order of appearance."""
        return [t.lower() for t in TOKEN.findall(text) if self.is_genuine(t)]
