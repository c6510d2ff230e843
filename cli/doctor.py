"""``advocacy doctor``: check the settings and the machine, and say what to fix.

Rule: each check is a function of the settings returning ``Finding``s and never changes
anything (it writes one probe file in the data folder and removes it). ``fail`` means the
service will not work or is unsafe as configured; ``warn`` that it works but should be looked
at. The command exits 1 when anything fails, so a deployment script can run it first.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from cli.base import console, handled, main

if TYPE_CHECKING:
    from settings import Settings

LOW_SPACE = 1 << 30  # below 1 GiB free: warn (a big batch's PDFs and print files need room)
NO_SPACE = 100 << 20  # below 100 MiB: fail
_STYLE = {"ok": "green", "warn": "yellow", "fail": "red"}


@dataclass(frozen=True)
class Finding:
    level: Literal["ok", "warn", "fail"]
    check: str
    message: str


def _secret(settings: Settings) -> Iterator[Finding]:
    from settings import DEFAULT_SECRET_KEY

    value = settings.secret_key.get_secret_value()
    refusal = settings.unsafe_for_serving()
    if refusal:
        yield Finding("fail", "secret key", refusal)
    elif value == DEFAULT_SECRET_KEY:
        yield Finding(
            "warn", "secret key", "the shipped default; set ADVOCACY_SECRET_KEY before real use"
        )
    elif len(value) < 32:
        yield Finding(
            "warn", "secret key", f"only {len(value)} characters; use 32 or more random ones"
        )
    else:
        yield Finding("ok", "secret key", "set")


def _smtp(settings: Settings) -> Iterator[Finding]:
    from delivery.smtp import SmtpConfig
    from errors import AdvocacyError

    if settings.smtp_url is None:
        yield Finding(
            "warn",
            "smtp",
            f"ADVOCACY_SMTP_URL unset: mail is written to {settings.outbox_dir}, not sent",
        )
        return
    try:
        config = SmtpConfig.from_url(settings.smtp_url.get_secret_value(), timeout=5)
    except AdvocacyError as exc:
        yield Finding("fail", "smtp", str(exc))
        return
    if config.implicit_tls:
        mode = "implicit TLS"
    elif config.start_tls:
        mode = "STARTTLS required"
    else:
        mode = "no TLS" if config.start_tls is False else "STARTTLS only if offered"
    level: Literal["ok", "warn"] = "ok" if config.implicit_tls or config.start_tls else "warn"
    hint = "" if level == "ok" else "; use port 587, ?starttls=required or smtps://"
    yield Finding(level, "smtp", f"{config.host}:{config.port}, {mode}{hint}")
    yield _reachable("smtp", config.host, config.port)


def _dkim(settings: Settings) -> Iterator[Finding]:
    if settings.dkim_key_file is None:
        yield Finding("warn", "dkim", "ADVOCACY_DKIM_KEY_FILE unset: outgoing mail is not signed")
        return
    path = settings.dkim_key_file
    if not os.access(path, os.R_OK):
        yield Finding("fail", "dkim", f"{path} cannot be read")
    elif not (settings.dkim_selector and settings.dkim_domain):
        yield Finding("fail", "dkim", "set ADVOCACY_DKIM_SELECTOR and ADVOCACY_DKIM_DOMAIN too")
    elif b"PRIVATE KEY" not in path.read_bytes()[:200]:
        yield Finding("fail", "dkim", f"{path} is not a PEM private key")
    else:
        yield Finding("ok", "dkim", f"{settings.dkim_selector}._domainkey.{settings.dkim_domain}")


def _data_dir(settings: Settings) -> Iterator[Finding]:
    folder = settings.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".doctor-{uuid.uuid4().hex}"
        probe.write_bytes(b"probe")
        probe.unlink()
    except OSError as exc:
        yield Finding("fail", "data folder", f"{folder} is not writable ({exc.strerror})")
        return
    free = shutil.disk_usage(folder).free
    level: Literal["ok", "warn", "fail"] = (
        "fail" if free < NO_SPACE else "warn" if free < LOW_SPACE else "ok"
    )
    yield Finding(level, "data folder", f"{folder} writable, {free / (1 << 30):.1f} GiB free")


def _schema(settings: Settings) -> Iterator[Finding]:
    from cli.base import database_problem
    from storage.db import make_engine
    from storage.migrate import schema_problem

    engine = make_engine(settings.database_url, busy_seconds=2)
    try:
        problem = schema_problem(engine)
    except Exception as exc:  # an unreachable database is a finding, not a crash
        problem = database_problem(exc) or f"cannot check the schema ({type(exc).__name__})"
    finally:
        engine.dispose()
    yield (
        Finding("fail", "database", problem)
        if problem
        else Finding("ok", "database", "schema current")
    )


def _fonts(settings: Settings) -> Iterator[Finding]:
    fonts = sorted((settings.templates_dir / "letter" / "fonts").glob("*.ttf"))
    if not fonts:
        yield Finding(
            "fail", "fonts", f"no .ttf fonts in {settings.templates_dir / 'letter' / 'fonts'}"
        )
    else:
        yield Finding("ok", "fonts", f"{len(fonts)} bundled fonts")


def _imap(settings: Settings) -> Iterator[Finding]:
    if settings.imap_url is None:
        yield Finding("warn", "imap", "ADVOCACY_IMAP_URL unset: replies are not fetched")
        return
    parts = urlsplit(settings.imap_url.get_secret_value())
    port = parts.port or (993 if parts.scheme == "imaps" else 143)
    yield _reachable("imap", parts.hostname or "", port)


def _reachable(check: str, host: str, port: int) -> Finding:
    try:
        with socket.create_connection((host, port), timeout=5):
            return Finding("ok", check, f"{host}:{port} answers")
    except OSError as exc:
        return Finding("fail", check, f"{host}:{port} cannot be reached ({exc.strerror or exc})")


CHECKS: tuple[Callable[[Settings], Iterator[Finding]], ...] = (
    _secret,
    _smtp,
    _dkim,
    _data_dir,
    _schema,
    _fonts,
    _imap,
)


def findings(settings: Settings) -> list[Finding]:
    return [found for check in CHECKS for found in check(settings)]


@main.command()
@handled
def doctor() -> None:
    """Check the settings and this machine: secret key, SMTP URL and TLS mode, DKIM key,
    data folder (writable, free space), database schema, fonts, IMAP server. Prints what to
    fix; exits 1 when something fails."""
    from settings import Settings

    found = findings(Settings())
    for f in found:
        style = _STYLE[f.level]
        console.print(f"[{style}]{f.level:4}[/{style}] {f.check}: {f.message}", soft_wrap=True)
    failed = sum(f.level == "fail" for f in found)
    console.print(f"{failed} to fix" if failed else "nothing to fix")
    if failed:
        raise SystemExit(1)
