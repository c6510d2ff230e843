"""Choices and help text that come from the service modules, read only when a command needs them.

Rule: building ``advocacy --help`` or ``advocacy GROUP --help`` imports no service module (they
load SQLAlchemy, WeasyPrint, pyHanko); commands import what they use inside their function, and
option choices or help taken from a service module go through ``LazyChoice``/``LazyHelpOption``,
which import it when that command's own help is shown or its arguments are parsed.
``tests/cli/test_startup.py`` fails when a top-level import brings one of them back.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

import click


def constant(reference: str) -> Callable[[], Sequence[str]]:
    """A loader for ``"module:NAME"`` (a sequence or mapping of names; a mapping gives its
    keys, sorted)."""
    module, _, name = reference.partition(":")

    def load() -> Sequence[str]:
        value = getattr(importlib.import_module(module), name)
        return sorted(value) if isinstance(value, dict) else tuple(value)

    return load


class LazyChoice(click.Choice[str]):
    """``click.Choice`` whose choices are loaded on first use, e.g. ``constant("m:NAMES")``."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        super().__init__((), case_sensitive=True)
        self._load = load
        self._loaded: tuple[str, ...] | None = None

    @property  # type: ignore[override]  # click declares it a plain attribute
    def choices(self) -> Sequence[str]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        self._loaded = tuple(value) or None  # click's __init__ sets () before loading


class LazyHelpOption(click.Option):
    """An option whose help text is made when shown: ``@click.option(..., cls=LazyHelpOption,
    lazy_help=lambda: ...)``."""

    def __init__(self, *args: Any, lazy_help: Callable[[], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lazy_help = lazy_help

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = self._lazy_help()
        return super().get_help_record(ctx)


class LazyGroup(click.Group):
    """A group whose commands live in modules imported only when one of them is asked for.

    ``modules`` maps each command name to the modules that register it (and its subcommands)
    on this group when imported. Running ``advocacy outbox list`` imports ``cli.outbox`` and
    no other command module; the group's own help imports them all to list them.
    """

    def __init__(self, *args: Any, modules: dict[str, tuple[str, ...]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules = modules

    def _load(self, name: str) -> None:
        for module in self.modules.get(name, ()):
            importlib.import_module(module)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            self._load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for name in self.modules:
            self._load(name)
        return super().list_commands(ctx)
