"""Addresses at import: email-validator without DNS, SMTPUTF8 rules, IDNA 2008 forms."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bootstrap import Services
from recipients import addresses
from recipients.addresses import BadAddress, check_address, import_warning
from recipients.record import AddresseeRecord
from recipients.registry import import_records


def test_an_idn_domain_has_an_ascii_wire_form() -> None:
    """The Unicode domain and its xn-- form name the same address on the wire."""
    unicode, ascii_form = (
        check_address("mfa@münchen-mfa.example"),
        check_address("mfa@xn--mnchen-mfa-9db.example"),
    )
    assert unicode.wire == ascii_form.wire == "mfa@xn--mnchen-mfa-9db.example"
    assert not unicode.smtputf8


def test_a_non_ascii_local_part_needs_smtputf8() -> None:
    """андрей@… can be sent only over SMTPUTF8, and import says so."""
    assert check_address("андрей@мид.example").smtputf8
    warning = import_warning("андрей@мид.example")
    assert warning is not None
    assert "SMTPUTF8" in warning


def test_a_plain_address_gives_no_warning() -> None:
    """An ordinary ASCII address passes without a word."""
    assert import_warning("correspondence@fcdo.example") is None


def test_a_bad_address_is_refused_with_the_reason() -> None:
    """Two dots in a row: email-validator's own message, naming the address."""
    with pytest.raises(
        BadAddress, match=re.escape("'x..y@mfa.example' is not a usable email address")
    ):
        check_address("x..y@mfa.example")


def test_import_warns_about_an_address_only_smtputf8_can_take(services: Services) -> None:
    """The import report names the addressee whose local part is not ASCII, and imports it."""
    record = AddresseeRecord(
        key="mfa-belarus-desk", name="Desk", category="foreign-ministry", email="андрей@мид.example"
    )
    with services.db.unit_of_work() as uow:
        report = import_records(
            uow, [record], source_name="t.csv", update=False, actor="t", clock=services.clock
        )
    assert report.created == ["mfa-belarus-desk"]
    [warning] = report.warnings
    assert warning.startswith("mfa-belarus-desk: ")
    assert "SMTPUTF8" in warning


_LOCAL = st.one_of(
    st.from_regex(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]{1,70}", fullmatch=True),
    st.sampled_from(['"quoted x"', "андрей", "a..b", ".a", "a.", "x" * 64, "x" * 65, "Desk.One"]),
)
_DOMAIN = st.one_of(
    st.from_regex(r"[a-zA-Z0-9-]{1,20}(\.[a-zA-Z0-9-]{1,20}){0,3}", fullmatch=True),
    st.sampled_from(
        [
            "MFA.Example.com",
            "münchen-mfa.example",
            "мид.example",
            "[1.2.3.4]",
            "localhost",
            "test.test",
            "-a.example",
            "a_b.example",
            "x." * 60 + "example",
            "xn--mnchen-mfa-9db.example",
            ".".join(["a" * 60, "b" * 60, "c" * 60, "d" * 50, "example"]),  # 250 long
        ]
    ),
)


@settings(max_examples=400, deadline=None)
@given(local=_LOCAL, domain=_DOMAIN)
def test_the_domain_shortcut_agrees_with_email_validator(local: str, domain: str) -> None:
    """Checking a dot-atom address by its (cached) domain gives what email-validator gives for
    the whole address: the same parts, or a refusal with the same message."""
    text = f"{local}@{domain}"
    try:
        expected: object = addresses._checked_in_full(text)
    except BadAddress as exc:
        expected = str(exc)
    try:
        got: object = check_address(text)
    except BadAddress as exc:
        got = str(exc)
    assert got == expected
