"""Commands for the addressee registry and its saved groups.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import console, handled, main, services, working
from cli.lazy import LazyChoice, constant
from errors import AdvocacyError

if TYPE_CHECKING:
    from storage.tables import Addressee

BUNDLED = Path(__file__).resolve().parent.parent / "recipients" / "data"


@main.group()
def recipients() -> None:
    """The addressee registry: import, list, export, set, verify, flag, history, groups."""


@recipients.command("import")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--bundled", is_flag=True, help="Import the shipped registry and its groups.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--update",
    is_flag=True,
    help="Change existing addressees: only the columns the file has (history is kept).",
)
@handled
def recipients_import(file: Path | None, bundled: bool, dry_run: bool, update: bool) -> None:
    """Import addressees from a CSV (comma or semicolon), YAML or JSON file, all or nothing.

    Any invalid row rejects the whole file; every problem is listed as FILE:LINE: field: problem.
    A file of `key` plus any columns updates just those fields (with --update); an empty cell
    clears a field, an absent column keeps it. Changes are printed field by field.
    """
    from recipients import registry, selection

    if (file is None) == (not bundled):
        raise AdvocacyError("give either FILE or --bundled")
    path = BUNDLED / "registry.yaml" if bundled else file
    assert path is not None
    s = services()
    with working(f"reading {path}"):
        located = registry.read_located(path)
        groups = selection.read_groups(BUNDLED / "groups.yaml") if bundled else {}
    with working(f"checking and importing {len(located):,} addressees"), s.db.unit_of_work() as uow:
        report = registry.import_records(
            uow,
            [record for record, _ in located],
            source_name=str(path),
            update=update,
            actor=s.actor,
            clock=s.clock,
            lines={record.key: line for record, line in located},
        )
        changed_groups = selection.save_groups(uow, groups, clock=s.clock)
        if dry_run:
            uow.rollback()
    verb = "would import" if dry_run else "imported"
    console.print(
        f"{verb} {path}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged"
        + (f"; {len(changed_groups)} groups saved" if changed_groups else "")
    )
    for key, changes in report.changes.items():
        print_changes(key, changes)
    for warning in report.warnings:
        console.print(f"  [yellow]warning[/yellow] {warning}")


def print_changes(key: str, changes: dict[str, list[object]]) -> None:
    """One line per changed field: ``key.field: old → new``."""
    for name, (old, new) in changes.items():
        console.print(f"  {key}.{name}: {old!r} → {new!r}", markup=False, highlight=False)


def _channel(a: Addressee) -> str:
    """The channel letters take (email, else post, else web form), marked when unconfirmed."""
    labels = {"email": a.email, "postal_address": "postal", "web_form": "web form"}
    for contact, label in labels.items():
        if getattr(a, contact):
            confirmed = getattr(a, f"{contact}_verified_on")
            return label + ("" if confirmed else " [yellow](unconfirmed)[/yellow]")
    return f"[yellow]no contact channel[/yellow]: advocacy recipients set {a.key} email=…"


@recipients.command("list")
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=LazyChoice(constant("recipients.record:CATEGORIES")),
    help="Only these categories (repeatable).",
)
@click.option("--country", "countries", multiple=True, help="Only these ISO codes, e.g. LT.")
@click.option("--tag", "tags", multiple=True, help="Only addressees with one of these tags.")
@click.option("--group", "groups", multiple=True, help="Addressees of a saved group.")
@click.option(
    "--failing", is_flag=True, help="Only contacts that bounced, were refused or are gone."
)
@handled
def recipients_list(
    categories: tuple[str, ...],
    countries: tuple[str, ...],
    tags: tuple[str, ...],
    groups: tuple[str, ...],
    failing: bool,
) -> None:
    """List addressees with their languages and contact channel (filters narrow together).

    A channel nobody has confirmed at its source is marked (unconfirmed).
    """
    from recipients import registry, selection

    s = services()
    if failing:
        _list_failing()
        return
    table = Table("key", "name", "category", "country", "languages", "channel")
    with s.db.unit_of_work(write=False) as uow:
        if categories or countries or tags or groups:
            chosen = selection.Selection.model_validate(
                {"categories": categories, "countries": countries, "tags": tags, "groups": groups}
            )
            rows = selection.resolve(uow, chosen).addressees
        else:
            rows = registry.list_addressees(uow)
    for a in rows:
        name = f"{a.name} [red](defunct)[/red]" if a.defunct else a.name
        table.add_row(a.key, name, a.category, a.country, a.languages, _channel(a))
    console.print(table)
    console.print(f"{len(rows)} addressee{'' if len(rows) == 1 else 's'}")


@recipients.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "yaml", "json"]), default="csv", show_default=True
)
@handled
def recipients_export(fmt: str) -> None:
    """Write the registry to stdout in a form `recipients import` reads back unchanged."""
    from recipients import registry

    with services().db.unit_of_work(write=False) as uow:
        click.echo(registry.export(registry.list_addressees(uow), fmt), nl=False)


def _list_failing() -> None:
    from recipients.failing import failing_contacts

    with services().db.unit_of_work(write=False) as uow:
        rows = failing_contacts(uow)
    table = Table("key", "contact", "value", "since (UTC)", "reason", "fix with")
    for f in rows:
        value = " / ".join(f.value.splitlines())
        when = f.since.strftime("%Y-%m-%d %H:%M")
        table.add_row(f.key, f.contact, value, when, f.reason, f.fix)
    console.print(table)
    console.print(f"{len(rows)} failing contact{'' if len(rows) == 1 else 's'}")


@recipients.group("groups", invoke_without_command=True)
@click.pass_context
@handled
def recipients_groups(ctx: click.Context) -> None:
    """Saved selections ("EU27 foreign ministries"); without a subcommand, list them."""
    if ctx.invoked_subcommand is not None:
        return
    from recipients import selection

    table = Table("group", "kind", "title", "addressees")
    with services().db.unit_of_work(write=False) as uow:
        for group in selection.list_groups(uow):
            size = len(selection.resolve(uow, selection.Selection(groups=[group.key])).addressees)
            kind = selection.group_kind(group.selection)
            table.add_row(group.key, kind, group.title, str(size))
    console.print(table)


@recipients_groups.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@handled
def groups_import(file: Path) -> None:
    """Create or replace saved groups from a YAML file (see recipients/data/groups.yaml)."""
    from recipients import selection

    s = services()
    groups = selection.read_groups(file)
    with s.db.unit_of_work() as uow:
        changed = selection.save_groups(uow, groups, clock=s.clock)
    console.print(f"{len(changed)} of {len(groups)} groups saved")


# The contact commands (set, verify, flag, field history) register on ``recipients`` too.
from cli import registry_contacts  # noqa: E402

__all__ = ["recipients", "registry_contacts"]
