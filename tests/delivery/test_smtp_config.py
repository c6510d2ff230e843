"""SmtpConfig.from_url: the ADVOCACY_SMTP_URL forms and their TLS choices."""

from __future__ import annotations

import pytest

from delivery.smtp import SmtpConfig
from errors import AdvocacyError


def config(url: str) -> SmtpConfig:
    return SmtpConfig.from_url(url, timeout=5.0)


def test_submission_port_is_the_default_and_requires_starttls() -> None:
    """smtp://host means port 587 with STARTTLS required, never plaintext."""
    c = config("smtp://mail.example")
    assert (c.port, c.start_tls, c.implicit_tls) == (587, True, False)


def test_smtps_means_implicit_tls_on_465() -> None:
    """smtps://host connects with TLS from the start on port 465."""
    c = config("smtps://mail.example")
    assert (c.port, c.start_tls, c.implicit_tls) == (465, False, True)


def test_starttls_off_with_an_explicit_port() -> None:
    """?starttls=off on a given port talks plain SMTP, as a loopback test server needs."""
    c = config("smtp://127.0.0.1:2525?starttls=off")
    assert (c.host, c.port, c.start_tls, c.implicit_tls) == ("127.0.0.1", 2525, False, False)


def test_other_ports_use_starttls_when_offered() -> None:
    """Without a starttls option on a port other than 587, STARTTLS is used if offered."""
    assert config("smtp://mail.example:25").start_tls is None


def test_credentials_are_percent_decoded() -> None:
    """User and password may carry reserved characters, percent-encoded."""
    c = config("smtp://news%40org.example:p%40ss%3Aword@mail.example:587")
    assert (c.username, c.password) == ("news@org.example", "p@ss:word")


@pytest.mark.parametrize("url", ["http://mail.example", "smtp://", "mail.example:587"])
def test_other_urls_are_refused(url: str) -> None:
    """A URL that is not smtp:// or smtps:// with a host is a configuration error."""
    with pytest.raises(AdvocacyError, match="ADVOCACY_SMTP_URL"):
        config(url)


def test_unknown_starttls_mode_is_refused() -> None:
    """A mistyped starttls mode is an error, not a silent fall-back to plaintext."""
    with pytest.raises(AdvocacyError, match="starttls"):
        config("smtp://mail.example:25?starttls=requried")
