"""Hypothesis-generated MIME trees: the parse boundary and the import never raise on any of them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bootstrap import Services
from responses.outcome import OUTCOMES
from responses.parse import read
from storage.tables import Letter
from tests.responses.replies import import_reply

CHARSETS = ["utf-8", "", "x-no-such-charset", "us-ascii", "koi8-r", "rot13", "utf-16", '"']
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus", ""]
TYPES = ["text/plain", "text/html", "application/ms-tnef", "application/pdf", "message/rfc822"]
HEADER_TEXT = st.text(max_size=40).map(lambda t: t.replace("\r", " ").replace("\n", " "))


def _leaf() -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda ctype, charset, cte, name, body: (
            (
                f'Content-Type: {ctype}; charset="{charset}"\r\n'
                f"Content-Transfer-Encoding: {cte}\r\n"
                + (f'Content-Disposition: attachment; filename="{name}"\r\n' if name else "")
                + "\r\n"
            ).encode("utf-8", "surrogateescape")
            + body
        ),
        st.sampled_from(TYPES),
        st.sampled_from(CHARSETS),
        st.sampled_from(ENCODINGS),
        st.one_of(st.just(""), HEADER_TEXT),
        st.binary(max_size=200),
    )


def _multipart(children: st.SearchStrategy[list[bytes]]) -> st.SearchStrategy[bytes]:
    def build(parts: list[bytes], boundary: str, close: bool) -> bytes:
        head = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode()
        body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
        return head + body + (b"--" + boundary.encode() + b"--\r\n" if close else b"")

    return st.builds(build, children, st.sampled_from(["b1", "b2", "=_x", ""]), st.booleans())


TREES = st.recursive(_leaf(), lambda inner: _multipart(st.lists(inner, max_size=4)), max_leaves=12)
MESSAGES = st.builds(
    lambda sender, subject, to, tree: (
        (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n").encode(
            "utf-8", "surrogateescape"
        )
        + tree
    ),
    HEADER_TEXT,
    HEADER_TEXT,
    st.sampled_from(["office@derecognition.example", "reply+{token}@x.example", ""]),
    TREES,
)


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
def test_the_parse_boundary_never_raises(raw: bytes) -> None:
    """Whatever the tree, reading it gives a parsed message or a quarantine reason, and header
    text without line breaks (no header injection downstream), never an exception."""
    mail = read(raw, max_bytes=1 << 20)
    assert mail.message is not None or mail.quarantine
    assert not {"\r", "\n"} & set(mail.header("From") + mail.header("Subject"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=MESSAGES)
def test_import_never_raises(services: Services, letters: dict[str, Letter], raw: bytes) -> None:
    """Every generated message, addressed to a real token or not, imports to a known outcome."""
    token = letters["mfa-poland"].reply_token
    result = import_reply(services, raw.replace(b"{token}", token.encode()))
    assert result.outcome in OUTCOMES
