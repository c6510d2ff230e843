"""The ``advocacy`` root command, the shared console, and error handling for every command.

Rule: commands parse arguments, call one service function per step through ``bootstrap``, and
print; an ``AdvocacyError`` becomes a clear message and exit status 1, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from errors import AdvocacyError

if TYPE_CHECKING:
    import bootstrap

# Piped output (files, CI logs) gets room for the tables instead of rich's 80-column default.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
F = TypeVar("F", bound=Callable[..., Any])


def services() -> bootstrap.Services:
    """The command's services, built on first use (so ``--help`` never loads WeasyPrint)."""
    import bootstrap

    ctx = click.get_current_context()
    built = ctx.find_object(bootstrap.Services)
    if built is None:
        built = bootstrap.build()
        ctx.obj = built
        ctx.call_on_close(built.close)
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

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    s.migrate()
    console.print(f"database ready: {s.settings.database_url}")


@main.command()
@handled
def demo() -> None:
    """Run the whole path on the bundled example: registry → milestone → PDFs → review →
    delivery → a reply → report. Running it again changes nothing."""
    from demo import run_demo

    run_demo(services(), console)
