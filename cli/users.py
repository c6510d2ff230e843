"""``advocacy users list|deactivate|reactivate|passwd|role|tokens|revoke``: administering the
staff accounts that ``users add`` (``cli.web``) creates.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top. Every
change goes through ``web.administration``, which audits it.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click
from rich.table import Table

from cli.base import console, handled, services
from cli.lazy import LazyChoice, constant
from cli.web import users


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else ""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("New password", hide_input=True, confirmation_prompt=True))


@users.command("list")
@handled
def users_list() -> None:
    """Every staff account: role, active or not, created, last login."""
    from web.administration import list_users

    with services().db.unit_of_work(write=False) as uow:
        table = Table("email", "role", "active", "created (UTC)", "last login (UTC)")
        for u in list_users(uow):
            table.add_row(
                u.email,
                u.role,
                "yes" if u.active else "no",
                _when(u.created_at),
                _when(u.last_login_at),
            )
    console.print(table)


def _set_active(email: str, active: bool) -> None:
    from web.administration import set_active

    s = services()
    with s.db.unit_of_work() as uow:
        user = set_active(uow, email, active, actor=s.actor, clock=s.clock)
        address = user.email
    console.print(f"user {address} {'reactivated' if active else 'deactivated'}")


@users.command("deactivate")
@click.argument("email")
@handled
def users_deactivate(email: str) -> None:
    """Lock EMAIL out: its browser sessions end and its API tokens stop working (audited;
    the last active admin cannot be deactivated)."""
    _set_active(email, False)


@users.command("reactivate")
@click.argument("email")
@handled
def users_reactivate(email: str) -> None:
    """Let EMAIL log in again (audited); its revoked tokens stay revoked."""
    _set_active(email, True)


@users.command("passwd")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@handled
def users_passwd(email: str, password_stdin: bool) -> None:
    """Give EMAIL a new password (at least 12 characters, not a common one); its browser
    sessions end. Audited."""
    from web.administration import set_password

    password = _read_password(password_stdin)
    s = services()
    with s.db.unit_of_work() as uow:
        address = set_password(uow, email, password, actor=s.actor, clock=s.clock).email
    console.print(f"password of {address} changed; its sessions were ended")


@users.command("role")
@click.argument("email")
@click.argument("role", type=LazyChoice(constant("web.accounts:ROLES")))
@handled
def users_role(email: str, role: str) -> None:
    """Give EMAIL another ROLE (audited; the last active admin stays admin)."""
    from web.administration import set_role

    s = services()
    with s.db.unit_of_work() as uow:
        address = set_role(uow, email, role, actor=s.actor, clock=s.clock).email
    console.print(f"user {address} is now {role}")


@users.command("tokens")
@click.argument("email", required=False)
@handled
def users_tokens(email: str | None) -> None:
    """API tokens (all, or EMAIL's): id, label, created, last used, expires, state. The
    tokens themselves are never shown again."""
    from web.administration import list_tokens

    s = services()
    now = s.clock.now()
    with s.db.unit_of_work(write=False) as uow:
        rows = list_tokens(uow, email)
    table = Table("id", "user", "label", "created", "last used", "expires", "state")
    for t in rows:
        table.add_row(
            str(t.id),
            t.email,
            t.label,
            _when(t.created_at),
            _when(t.last_used_at) or "never",
            _when(t.expires_at) or "never",
            t.state(now),
        )
    console.print(table)


@users.command("revoke")
@click.argument("token_id", type=int)
@handled
def users_revoke(token_id: int) -> None:
    """Revoke the API token TOKEN_ID (from 'advocacy users tokens'); audited."""
    from web.administration import revoke_token

    s = services()
    with s.db.unit_of_work() as uow:
        token = revoke_token(uow, token_id, actor=s.actor, clock=s.clock)
        label = token.label
    console.print(f"token {token_id} ({label or 'no label'}) revoked")
