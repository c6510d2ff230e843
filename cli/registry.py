"""Commands for the addressee registry and its saved groups.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import console, handled, main, services
from cli.lazy import LazyChoice, constant
from errors import AdvocacyError, NotFound

if TYPE_CHECKING:
    from storage.tables import Addressee

BUNDLED = Path(__file__).resolve().parent.parent / "recipients" / "data"


@main.group()
def recipients() -> None:
    """The addressee registry: import, list, export, groups, history."""


@recipients.command("import")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@click.option("--bundled", is_flag=True, help="Import the shipped registry and its groups.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--update", is_flag=True, help="Change existing addressees (history is kept).")
@handled
def recipients_import(file: Path | None, bundled: bool, dry_run: bool, update: bool) -> None:
    """Import addressees from a CSV (comma or semicolon), YAML or JSON file, all or nothing.

    Any invalid row rejects the whole file; every problem is listed as FILE:LINE: field: problem.
    """
    from recipients import registry, selection

    if (file is None) == (not bundled):
        raise AdvocacyError("give either FILE or --bundled")
    path = BUNDLED / "registry.yaml" if bundled else file
    assert path is not None
    s = services()
    records = registry.read_file(path)
    groups = selection.read_groups(BUNDLED / "groups.yaml") if bundled else {}
    with s.db.unit_of_work() as uow:
        report = registry.import_records(
            uow, records, source_name=str(path), update=update, actor=s.actor, clock=s.clock
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
    for warning in report.warnings:
        console.print(f"  [yellow]warning[/yellow] {warning}")


def _channel(a: Addressee) -> str:
    if a.email:
        return a.email
    if a.postal_address:
        return "postal"
    return "web form" if a.web_form else "[yellow]no contact channel[/yellow]"


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
@handled
def recipients_list(
    categories: tuple[str, ...],
    countries: tuple[str, ...],
    tags: tuple[str, ...],
    groups: tuple[str, ...],
) -> None:
    """List addressees with their languages and contact channel (filters narrow together)."""
    from recipients import registry, selection

    s = services()
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


@recipients.command("history")
@click.argument("key")
@handled
def recipients_history(key: str) -> None:
    """Every recorded change to one addressee: who, when, from which file, what changed."""
    from sqlalchemy import select

    from storage.tables import Addressee, AuditEntry

    with services().db.unit_of_work(write=False) as uow:
        if uow.scalar(select(Addressee.id).where(Addressee.key == key)) is None:
            raise NotFound(f"no addressee {key!r}")
        entries = [
            e
            for e in uow.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.like("addressee.%"))
                .order_by(AuditEntry.id)
            )
            if e.subject == f"addressee:{key}" or key in e.details.get("created", [])
        ]
    table = Table("when (UTC)", "who", "what", "source", "changes")
    for e in entries:
        changes = e.details.get("changes", {})
        text = "; ".join(f"{f}: {old!r} → {new!r}" for f, (old, new) in changes.items())
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M"),
            e.actor,
            e.action.split(".")[1],
            e.details.get("source", e.subject.removeprefix("file:")),
            text or "created",
        )
    console.print(table)


@recipients.group("groups", invoke_without_command=True)
@click.pass_context
@handled
def recipients_groups(ctx: click.Context) -> None:
    """Saved selections ("EU27 foreign ministries"); without a subcommand, list them."""
    if ctx.invoked_subcommand is not None:
        return
    from recipients import selection

    table = Table("group", "title", "addressees")
    with services().db.unit_of_work(write=False) as uow:
        for group in selection.list_groups(uow):
            size = len(selection.resolve(uow, selection.Selection(groups=[group.key])).addressees)
            table.add_row(group.key, group.title, str(size))
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
