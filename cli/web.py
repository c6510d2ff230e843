"""``advocacy serve`` (the web app, with the worker and the scheduler) and ``advocacy users``.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import timedelta

import click

from cli.base import Duration, console, handled, main, services
from cli.lazy import LazyChoice, constant


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@handled
def serve(host: str, port: int) -> None:
    """Run the staff web app and the JSON API (/api/, described at /api/openapi.json).

    With ADVOCACY_SERVE_JOBS=true (the default) the same process also runs the delivery
    worker and the scheduler, so this one command runs the whole service. Behind a TLS proxy,
    set ADVOCACY_BASE_URL=https://… so session cookies are marked Secure, and
    ADVOCACY_TRUSTED_PROXIES to the proxy's address so X-Forwarded-For is believed. Refuses to
    start with the default ADVOCACY_SECRET_KEY when the base URL is https:// or
    ADVOCACY_ENV=production. Stop with Ctrl-C.
    """
    import uvicorn

    from errors import AdvocacyError
    from web import background
    from web.app import create_app

    s = services()
    refusal = s.settings.unsafe_for_serving()
    if refusal:
        raise AdvocacyError(refusal)
    s.require_current_schema()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    stopping = threading.Event()
    threads = background.start(s, stopping) if s.settings.serve_jobs else []
    try:
        # Proxy headers are read by the app itself, only from ADVOCACY_TRUSTED_PROXIES.
        uvicorn.run(create_app(s), host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        stopping.set()
        for thread in threads:
            thread.join(timeout=30)


@main.group()
def users() -> None:
    """Staff accounts of the web app and their API tokens."""


@users.command("add")
@click.argument("email")
@click.option(
    "--role",
    type=LazyChoice(constant("web.accounts:ROLES")),
    required=True,
    help="admin: everything; campaigner: deliver, outbox, responses, registry; "
    "reviewer: approve and reject; viewer: read only.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@handled
def users_add(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for (or read with --password-stdin)
    and stored only as an argon2 hash."""
    from web.accounts import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    s = services()
    with s.db.unit_of_work() as uow:
        user = add_user(uow, email, password, role=role, actor=s.actor, clock=s.clock)
        address = user.email
    console.print(f"user {address} added ({role})")


@users.command("token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for (shown in the audit log).")
@click.option(
    "--expires-in",
    type=Duration(),
    default=None,
    help="Stop working this long from now: 90d, 12h, 2w, 30m (default: never).",
)
@handled
def users_token(email: str, label: str, expires_in: timedelta | None) -> None:
    """Issue an API token acting as EMAIL (with that user's role). It is printed once; only
    its hash is stored. Send it as 'Authorization: Bearer <token>'."""
    from web.accounts import new_api_token

    s = services()
    with s.db.unit_of_work() as uow:
        token = new_api_token(
            uow, email, label=label, actor=s.actor, clock=s.clock, expires_in=expires_in
        )
    click.echo(token)
