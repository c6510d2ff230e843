"""Reply tokens: genuine ones are recognised, forged or mistyped ones are not."""

from __future__ import annotations

import re

from letters.identity import ReplyAddresses

IDENTITIES = ReplyAddresses("replies.example", b"test-secret")


def tampered(token: str) -> str:
    """The same token with its last character changed."""
    return token[:-1] + ("0" if token[-1] != "0" else "1")


def test_genuine_token_is_accepted() -> None:
    """A token this service made passes the HMAC check."""
    assert IDENTITIES.is_genuine(IDENTITIES.new_identity().reply_token)


def test_tampered_token_is_rejected() -> None:
    """Changing one character of a token makes it fail the check."""
    assert not IDENTITIES.is_genuine(tampered(IDENTITIES.new_identity().reply_token))


def test_token_from_another_secret_is_rejected() -> None:
    """A token signed with a different secret is not ours."""
    other = ReplyAddresses("replies.example", b"another-secret").new_identity().reply_token
    assert not IDENTITIES.is_genuine(other)


def test_token_without_a_mac_is_rejected() -> None:
    """The random part alone is not a token."""
    assert not IDENTITIES.is_genuine(IDENTITIES.new_identity().reply_token.split("-")[0])


def test_tokens_in_finds_genuine_reply_addresses_only() -> None:
    """Only genuine tokens are picked out of a header, in order of appearance."""
    first, second = (IDENTITIES.new_identity().reply_token for _ in range(2))
    header = ", ".join(IDENTITIES.reply_to(t) for t in (first, tampered(first), second))
    assert IDENTITIES.tokens_in(f"Staff <office@example.org>, {header}") == [first, second]


def test_tokens_in_accepts_an_uppercased_address() -> None:
    """A mail system that upper-cases the address still leads back to the token."""
    token = IDENTITIES.new_identity().reply_token
    assert IDENTITIES.tokens_in(IDENTITIES.reply_to(token).upper()) == [token]


def test_reply_to_and_bounce_addresses_use_the_reply_domain() -> None:
    """Reply-To carries the token and the bounce address the delivery id and its MAC."""
    assert IDENTITIES.reply_to("abc") == "reply+abc@replies.example"
    assert re.fullmatch(r"bounce\+42-[0-9a-f]{16}@replies\.example", IDENTITIES.bounce_address(42))


def test_a_signed_bounce_address_names_its_delivery() -> None:
    """The bounce address leads back to its delivery, also upper-cased inside a header."""
    address = IDENTITIES.bounce_address(9)
    assert IDENTITIES.delivery_for_bounce(address) == 9
    assert IDENTITIES.delivery_for_bounce(f"Postmaster <{address.upper()}>") == 9


def test_a_forged_bounce_address_names_no_delivery() -> None:
    """A bare id, another id's MAC, a truncated MAC or another domain lead nowhere."""
    mac = IDENTITIES.bounce_address(8).split("-")[1].split("@")[0]
    for forged in (
        "bounce+8@replies.example",
        f"bounce+9-{mac}@replies.example",
        f"bounce+8-{mac[:8]}@replies.example",
        f"bounce+8-{mac}@elsewhere.example",
    ):
        assert IDENTITIES.delivery_for_bounce(forged) is None, forged


def test_bounce_macs_differ_from_reply_token_macs() -> None:
    """Another secret makes other bounce addresses: the MAC is keyed by the secret."""
    other = ReplyAddresses("replies.example", b"another-secret")
    assert other.delivery_for_bounce(IDENTITIES.bounce_address(8)) is None


def test_message_ids_are_unique_and_at_the_reply_domain() -> None:
    """Each new identity has its own Message-ID in angle brackets at the reply domain."""
    ids = {IDENTITIES.new_identity().message_id for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("<letter-") and i.endswith("@replies.example>") for i in ids)
