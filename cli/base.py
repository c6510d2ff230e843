"""The ``advocacy`` root command, the shared console, and error handling for every command.

Rule: commands parse arguments, call one service function per step through ``bootstrap``, and
print; an ``AdvocacyError`` becomes a clear message and exit status 1, never a traceback. So
does a database that is not set up (or older than the code: run ``advocacy init``), cannot be
opened or stays locked by another writer, a full or read-only disk, and a mail server that
cannot be reached; any other failure is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import functools
import gc
import re
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from cli.lazy import LazyGroup
from errors import AdvocacyError

if TYPE_CHECKING:
    import bootstrap

# Piped output (files, CI logs) gets room for the tables instead of rich's 80-column default.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
F = TypeVar("F", bound=Callable[..., Any])


def working(what: str) -> ContextManager[object]:
    """A spinner saying what a long step is doing, shown at once on a terminal and cleared
    when the step ends (nothing is printed into a pipe or a file)."""
    return console.status(f"{what}…", spinner="dots")


def services() -> bootstrap.Services:
    """The command's services, built on first use (so ``--help`` never loads WeasyPrint)."""
    import bootstrap

    ctx = click.get_current_context()
    built = ctx.find_object(bootstrap.Services)
    if built is None:
        built = bootstrap.build()
        ctx.obj = built
        ctx.call_on_close(built.close)
        if not gc.isenabled():  # ``cli.run`` turned it off for start-up
            gc.freeze()
            gc.enable()
    return built


def handled(fn: F) -> F:
    """Turn ``AdvocacyError`` into a message on stderr and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AdvocacyError as exc:
            # Plain text, never wrapped: FILE:LINE: field: problem must stay on one line.
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except Exception as exc:
            message = database_problem(exc) or machine_problem(exc)
            if message is None:
                raise
            click.echo(f"error: {message}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


_NO_SCHEMA = re.compile(r"no such (table|column)|(relation|column) .* does not exist", re.I)
_NO_DATABASE = re.compile(
    r"unable to open database|could not connect|connection refused|does not exist", re.I
)


def database_problem(exc: BaseException) -> str | None:
    """What to tell the user when ``exc`` is the database missing its schema or unreachable;
    ``None`` for anything else. The URL is never printed (it may hold a password)."""
    if "sqlalchemy" not in sys.modules:
        return None
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(exc, OperationalError | ProgrammingError):
        return None
    said = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if re.search(r"database is (locked|busy)", said, re.I):
        return "the database is busy (another process holds its write lock); try again shortly"
    if _NO_SCHEMA.search(said):
        return (
            f"the database is not set up for this version ({said}); run 'advocacy init' "
            "(creates or upgrades the schema, safe to run again)"
        )
    if _NO_DATABASE.search(said):
        return f"cannot open the database of ADVOCACY_DATABASE_URL ({said})"
    return None


_DISK = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def machine_problem(exc: BaseException) -> str | None:
    """One line for a failure of the machine rather than the code: the disk (full, read-only,
    no permission) or a server that cannot be reached (IMAP, SMTP); ``None`` otherwise."""
    import socket
    import ssl

    if isinstance(exc, OSError) and exc.errno in _DISK:
        where = f" at {exc.filename}" if exc.filename else ""
        return f"{_DISK[exc.errno]}{where}; nothing more was written (fix it, then run again)"
    if isinstance(exc, TimeoutError | ConnectionError | socket.gaierror | ssl.SSLError):
        said = str(exc).strip() or type(exc).__name__
        return f"cannot reach the server ({said}); check its address in the settings"
    if "imaplib" in sys.modules:
        import imaplib

        if isinstance(exc, imaplib.IMAP4.error):
            return f"the IMAP server refused: {str(exc).strip() or type(exc).__name__}"
    return None


_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Duration(click.ParamType):  # type: ignore[type-arg]
    """'90d', '12h', '2w', '30m': a positive span of time."""

    name = "DURATION"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        found = re.fullmatch(r"\s*(\d{1,5})\s*([mhdw])\s*", str(value))
        if not found or int(found[1]) == 0:
            self.fail(f"{value!r} is not a duration such as 90d, 12h, 2w or 30m", param, ctx)
        return timedelta(**{_UNITS[found[2]]: int(found[1])})


# Each top-level command and the modules that register it (``cli.lazy.LazyGroup``): a command
# imports its own module only, so ``advocacy outbox list`` starts without the other commands.
COMMANDS: dict[str, tuple[str, ...]] = {
    "audit": ("cli.delivery",),
    "campaign": ("cli.campaigns",),
    "deliver": ("cli.delivery",),
    "doctor": ("cli.doctor",),
    "milestones": ("cli.milestones",),
    "outbox": ("cli.outbox",),
    "recipients": ("cli.registry",),
    "rehearse": ("cli.rehearse",),
    "render": ("cli.letters",),
    "report": ("cli.reports",),
    "responses": ("cli.responses",),
    "review": ("cli.review",),
    "scheduler": ("cli.scheduler",),
    "serve": ("cli.web",),
    "signatures": ("cli.signatures",),
    "users": ("cli.web", "cli.users"),
    "verify": ("cli.letters",),
    "worker": ("cli.delivery",),
}


@click.group(
    cls=LazyGroup, modules=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
def main() -> None:
    """Advocacy letters: a registry of addressees, signed-appeal PDFs rendered per addressee,
    milestone-triggered deliveries after staff review, and response tracking.

    Settings come from ADVOCACY_* environment variables or .env (see .env.example).
    """


@main.command()
@handled
def init() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    s = services()
    with working("creating or upgrading the database schema"):
        s.migrate()
    console.print(f"database ready: {s.settings.database_url}")


@main.command()
@handled
def demo() -> None:
    """Run the whole path on the bundled example: registry → milestone → PDFs → review →
    delivery → a reply → report. Running it again changes nothing."""
    from cli.reports import print_report
    from demo import run_demo

    run_demo(services(), console, report=print_report)
