"""Commands for one addressee's contacts: set fields, confirm contacts, flag a failing one,
and read the history of each field.

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top.
"""

from __future__ import annotations

import click
from rich.table import Table

from cli.base import console, handled, services
from cli.registry import print_changes, recipients
from errors import AdvocacyError


def _assignments(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise AdvocacyError(f"{pair!r}: write FIELD=VALUE (an empty VALUE clears the field)")
        values[name.strip()] = value.replace("\\n", "\n")  # postal lines: "…\\n…"
    return values


@recipients.command("set")
@click.argument("key")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE…")
@click.option("--dry-run", is_flag=True, help="Show the changes field by field; write nothing.")
@handled
def recipients_set(key: str, assignments: tuple[str, ...], dry_run: bool) -> None:
    """Change the named fields of one addressee: `set mfa-japan email=… email_source=…`

    Only the named fields change (an empty value clears one); a changed contact drops the old
    one's source and confirmation unless given. Validated and audited like an import.
    """
    from recipients.provenance import set_fields

    s = services()
    with s.db.unit_of_work() as uow:
        changes = set_fields(uow, key, _assignments(assignments), actor=s.actor, clock=s.clock)
        if dry_run:
            uow.rollback()
    verb = "would change" if dry_run else "changed"
    console.print(f"{verb} {key}: {len(changes)} field{'' if len(changes) == 1 else 's'}")
    print_changes(key, changes)


@recipients.command("verify")
@click.argument("key")
@click.option("--by", "by", required=True, help="Who confirmed the contacts at their source.")
@click.option("--note", default="", help="Where and how, e.g. 'phoned the registry desk'.")
@click.option(
    "--contact",
    "contacts",
    multiple=True,
    type=click.Choice(["email", "postal_address", "web_form", "website"]),
    help="Only these contacts (repeatable); default: every contact the addressee has.",
)
@handled
def recipients_verify(key: str, by: str, note: str, contacts: tuple[str, ...]) -> None:
    """Record that NAME confirmed the addressee's contacts today (audited)."""
    from recipients.provenance import verify

    s = services()
    with s.db.unit_of_work() as uow:
        done = verify(uow, key, by=by, note=note, contacts=contacts, actor=s.actor, clock=s.clock)
    console.print(f"{key}: {', '.join(done)} confirmed by {by} on {s.clock.now().date()}")


@recipients.command("flag")
@click.argument("key")
@click.option(
    "--contact",
    required=True,
    type=click.Choice(["email", "postal_address", "web_form"]),
    help="The contact found failing.",
)
@click.option("--reason", required=True, help="What was found, e.g. 'the form page is gone'.")
@handled
def recipients_flag(key: str, contact: str, reason: str) -> None:
    """Record a contact found failing (a web form gone, mail returned); its channel is skipped
    by `deliver` until the contact is fixed (`set`) or confirmed (`verify`)."""
    from recipients.failing import flag_contact

    s = services()
    with s.db.unit_of_work() as uow:
        flag_contact(uow, key, contact, reason=reason, actor=s.actor, clock=s.clock)
    console.print(f"{key}: {contact} flagged; fix with advocacy recipients set {key} {contact}=…")


@recipients.command("history")
@click.argument("key")
@click.option("--field", "field_name", default=None, help="Only this field, e.g. email.")
@handled
def recipients_history(key: str, field_name: str | None) -> None:
    """Every recorded change to one addressee's fields: when, who, from where, old → new."""
    from recipients.provenance import field_history

    with services().db.unit_of_work(write=False) as uow:
        changes = field_history(uow, key, field=field_name)
    table = Table("when (UTC)", "who", "what", "source", "field", "old", "new")
    for c in changes:
        when = c.at.strftime("%Y-%m-%d %H:%M")
        table.add_row(when, c.actor, c.action, c.source, c.field, repr(c.old), repr(c.new))
    console.print(table)
    console.print(f"{len(changes)} recorded change{'' if len(changes) == 1 else 's'}")
