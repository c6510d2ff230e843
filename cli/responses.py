"""Commands for replies: import, fetch, the holding pen (answers logged by hand, stances and
statuses: ``cli.responses_answers``, registered on the same group).

Rule: every command calls the ``responses`` services in one unit of work per message or action;
nothing here decides whose a message is. Service modules are imported inside the commands
(``cli.lazy``), never at the top.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.base import console, handled, main, services
from errors import InputError, NotFound, Problem

if TYPE_CHECKING:
    from responses.outcome import Inbound


@main.group()
def responses() -> None:
    """Replies from addressees: import or fetch them, sort the holding pen, log other answers."""


def _messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) of each message: the file name, or the position in an mbox/Maildir."""
    if path.is_dir() and (path / "cur").is_dir():
        box = mailbox.Maildir(path, create=False)
        yield from ((f"{path.name}/{key}", box.get_bytes(key)) for key in box.iterkeys())
    elif path.suffix == ".mbox":
        messages = mailbox.mbox(path, create=False)
        yield from ((f"{path.name}#{n}", m.as_bytes()) for n, m in enumerate(messages, 1))
    elif path.is_dir():
        for file in sorted(path.glob("*.eml")):
            yield file.name, file.read_bytes()
    elif path.is_file():
        yield path.name, path.read_bytes()
    else:
        raise NotFound(f"{path} is not an .eml file, an .mbox file or a Maildir")


def print_counts(counts: dict[str, int]) -> None:
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()) or "no messages found")


def _reporting(intake: Callable[[bytes], Inbound]) -> Callable[[str, bytes], str]:
    """``intake`` that also prints each message's outcome on its own line."""

    def handle(label: str, raw: bytes) -> str:
        result = intake(raw)
        click.echo(f"{label}: {result.describe()}")
        return result.outcome

    return handle


@responses.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@handled
def responses_import(path: Path) -> None:
    """Import replies from an .eml file, a folder of .eml files, an .mbox or a Maildir.

    Prints each message's outcome (letters, addressee, rule, kind) and a summary; unmatched
    messages, unclaimed bounces, auto-replies and unreadable (quarantined) ones go to the pen."""
    handle = _reporting(services().intake())
    counts: dict[str, int] = {}
    for label, raw in _messages(path):
        outcome = handle(label, raw)
        counts[outcome] = counts.get(outcome, 0) + 1
    print_counts(counts)


@responses.command("pen")
@click.option("--all", "everything", is_flag=True, help="Every message, sorted or not.")
@click.option(
    "--view",
    type=click.Choice(["to-sort", "apart", "done", "all"]),
    default="to-sort",
    show_default=True,
    help="to-sort: unmatched and quarantined; apart: auto-replies and unclaimed bounces.",
)
@handled
def responses_pen(everything: bool, view: str) -> None:
    """List messages in the holding pen: those staff must sort, unless --view says otherwise.
    A quarantined (unreadable) message shows its reason on the line below."""
    from responses.pen import VIEWS, pen

    s = services()
    with s.db.unit_of_work(write=False) as uow:
        held = pen(uow, status=VIEWS["all" if everything else view])
        for m in held:
            when = m.received_at.strftime("%Y-%m-%d %H:%M")
            click.echo(f"{m.id:>5}  {m.status:<11}  {when}  {m.sender}  {m.subject}")
            why = m.reason if m.status == "quarantined" else m.rule
            if why:
                click.echo(f"       {why}")
    if not held:
        click.echo("the holding pen is empty")


@responses.command("assign")
@click.argument("message_id", type=int)
@click.argument("letter_ids", type=int, nargs=-1, metavar="[LETTER_ID]...")
@click.option("--addressee", "addressee_key", help="Addressee key (with --campaign).")
@click.option("--campaign", "campaign_key", help="Campaign key (with --addressee).")
@handled
def responses_assign(
    message_id: int,
    letter_ids: tuple[int, ...],
    addressee_key: str | None,
    campaign_key: str | None,
) -> None:
    """Make a response of penned message MESSAGE_ID for each LETTER_ID (one answer to several
    letters), or for the newest letter of --campaign to --addressee. A message already matched
    or assigned can be attached to further letters the same way."""
    from responses.pen import assign

    s = services()
    with s.db.unit_of_work() as uow:
        made = assign(
            uow,
            message_id,
            letter_ids=letter_ids,
            addressee_key=addressee_key,
            campaign_key=campaign_key,
            actor=s.actor,
            clock=s.clock,
            domain=s.settings.reply_domain,
            max_bytes=s.settings.inbound_max_bytes,
        )
        for response in made:
            console.print(
                f"message {message_id} → response {response.id} on letter "
                f"{response.letter_id} ({response.kind})"
            )


@responses.command("ignore")
@click.argument("message_id", type=int)
@handled
def responses_ignore(message_id: int) -> None:
    """Mark penned message MESSAGE_ID as not an answer (it stays on disk)."""
    from responses.pen import ignore

    s = services()
    with s.db.unit_of_work() as uow:
        ignore(uow, message_id, actor=s.actor, clock=s.clock)
    console.print(f"message {message_id} ignored")


@responses.command("fetch")
@handled
def responses_fetch() -> None:
    """Import unseen replies from the IMAP mailbox in ADVOCACY_IMAP_URL, marking each seen
    once imported (or quarantined); prints each message's outcome and a summary."""
    from responses.imap import fetch_unseen, parse_url

    s = services()
    if s.settings.imap_url is None:
        raise InputError([Problem("ADVOCACY_IMAP_URL", None, "url", "is not set")])
    box = parse_url(s.settings.imap_url.get_secret_value())
    handle = _reporting(s.intake())
    seen = iter(range(1, 1_000_000_000))
    print_counts(fetch_unseen(box, lambda raw: handle(f"message {next(seen)}", raw)))


# The commands for answers staff record by hand (log, classify, status) register here too.
from cli import responses_answers  # noqa: E402

__all__ = ["responses", "responses_answers"]
