"""Reading replies from an IMAP mailbox (stdlib ``imaplib``), one message at a time.

Rule: a message is marked ``\\Seen`` only after its import committed (``handle`` commits each
message on its own and quarantines one it cannot import, so a poison message is seen once and
never blocks the mailbox). If the process dies in between, the next fetch reads it again and
the import skips it as a duplicate (same Message-ID and bytes), so nothing is lost and nothing
is stored twice. Server and connection errors become one ``AdvocacyError`` line. ``imaps://``
connects with TLS and a verified certificate; plain ``imap://`` is refused except to this
machine (a test server).
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from errors import AdvocacyError, InputError, Problem

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: bool


def parse_url(url: str) -> Mailbox:
    """``imaps://user:pass@host[:993]/FOLDER`` (folder defaults to INBOX)."""
    parts = urlsplit(url)
    problem = ""
    if parts.scheme not in {"imaps", "imap"}:
        problem = "must start with imaps:// (or imap:// to this machine)"
    elif not (parts.hostname and parts.username and parts.password is not None):
        problem = "must name a user, a password and a host"
    elif parts.scheme == "imap" and parts.hostname not in LOOPBACK:
        problem = "plain imap:// is only allowed to this machine; use imaps://"
    if problem:
        raise InputError([Problem("ADVOCACY_IMAP_URL", None, "url", problem)])
    tls = parts.scheme == "imaps"
    return Mailbox(
        host=parts.hostname or "",
        port=parts.port or (993 if tls else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
    )


def _connect(box: Mailbox) -> imaplib.IMAP4:
    if box.tls:
        context = ssl.create_default_context()
        return imaplib.IMAP4_SSL(box.host, box.port, ssl_context=context, timeout=TIMEOUT_SECONDS)
    return imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT_SECONDS)


def fetch_unseen(box: Mailbox, handle: Callable[[bytes], str]) -> dict[str, int]:
    """Pass each unseen message's raw bytes to ``handle`` (which imports and commits it),
    then mark it seen; the counts of ``handle``'s outcomes."""
    counts: dict[str, int] = {}
    try:
        client = _connect(box)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise AdvocacyError(f"IMAP {box.host}:{box.port}: cannot connect: {exc}") from None
    try:
        client.login(box.user, box.password)
        _ok(client.select(_quoted(box.folder)), f"folder {box.folder!r}")
        _, found = client.uid("SEARCH", "UNSEEN")
        for uid in found[0].split() if found and found[0] else []:
            _, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), None)
            if raw is None:
                continue  # expunged by another client meanwhile
            outcome = handle(raw)
            counts[outcome] = counts.get(outcome, 0) + 1
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        client.close()
    except (OSError, imaplib.IMAP4.error) as exc:
        done = sum(counts.values())
        raise AdvocacyError(
            f"IMAP {box.host}:{box.port}: {exc} (after {done} message(s) imported)"
        ) from None
    finally:
        _logout(client)
    return counts


def _ok(answer: tuple[str, object], what: str) -> None:
    if answer[0] != "OK":
        raise imaplib.IMAP4.error(f"{what}: {answer[1]!r}")


def _logout(client: imaplib.IMAP4) -> None:
    # The connection may already be gone; there is nothing left to close then.
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
