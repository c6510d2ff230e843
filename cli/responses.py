"""Commands for replies (import, fetch, the holding pen, logged answers, statuses) and reports.

Rule: every command calls the ``responses`` services in one unit of work per message or action;
nothing here decides whose a message is. Service modules are imported inside the commands
(``cli.lazy``), never at the top.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.base import console, handled, main, services
from cli.lazy import LazyChoice, constant
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


def _settable() -> tuple[str, ...]:
    from responses.status import CLEAR, SETTABLE

    return (*SETTABLE, CLEAR)


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


@responses.command("log")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("addressee_key", metavar="KEY")
@click.option(
    "--channel",
    type=LazyChoice(constant("responses.manual_entry:CHANNELS")),
    default="letter",
    show_default=True,
)
@click.option(
    "--stance",
    type=LazyChoice(constant("responses.manual_entry:STANCES")),
    default="unclear",
    show_default=True,
)
@click.option("--summary", default="", help="What they said (internal).")
@click.option(
    "--date",
    "received",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%d %H:%M"]),
    help="When it arrived (UTC): a day (taken as 12:00) or 'YYYY-MM-DD HH:MM'; not before "
    "the first delivery, not in the future.",
)
@click.option("--public-summary", default="", help="What the public page may say about it.")
@click.option("--acknowledgement", is_flag=True, help="Only an acknowledgement, not an answer.")
@handled
def responses_log(
    campaign_key: str,
    addressee_key: str,
    channel: str,
    stance: str,
    summary: str,
    received: datetime | None,
    public_summary: str,
    acknowledgement: bool,
) -> None:
    """Log an answer that came outside email: a letter, a meeting, a call, a public statement."""
    from responses.manual_entry import Answer, log_answer

    s = services()
    answer = Answer(
        campaign=campaign_key,
        addressee=addressee_key,
        kind="acknowledgement" if acknowledgement else "response",
        channel=channel,
        stance=stance,
        summary=summary,
        public_summary=public_summary,
        received_at=_received(received),
    )
    with s.db.unit_of_work() as uow:
        response = log_answer(uow, answer, actor=s.actor, clock=s.clock)
        console.print(f"logged response {response.id} from {addressee_key}")


def _received(value: datetime | None) -> datetime | None:
    """A day alone means its noon (UTC); a time is taken as given."""
    if value is None:
        return None
    at_noon = value.hour == 0 and value.minute == 0
    return value.replace(hour=12 if at_noon else value.hour, tzinfo=UTC)


@responses.command("classify")
@click.argument("response_id", type=int)
@click.option("--stance", type=LazyChoice(constant("responses.manual_entry:STANCES")))
@click.option(
    "--acknowledgement/--answer",
    "acknowledgement",
    default=None,
    help="Only an acknowledgement (a holding reply), or a real answer.",
)
@handled
def responses_classify(response_id: int, stance: str | None, acknowledgement: bool | None) -> None:
    """Set the stance of response RESPONSE_ID, or whether it is an answer or only an
    acknowledgement (audited)."""
    from responses.manual_entry import classify

    if stance is None and acknowledgement is None:
        raise InputError([Problem("classify", None, "options", "give --stance or --answer")])
    kind = {None: None, True: "acknowledgement", False: "response"}[acknowledgement]
    s = services()
    with s.db.unit_of_work() as uow:
        r = classify(uow, response_id, stance=stance, kind=kind, actor=s.actor, clock=s.clock)
        console.print(f"response {r.id}: {r.kind}, {r.stance}")


@responses.command("status")
@click.argument("campaign_key", metavar="CAMPAIGN")
@click.argument("addressee_key", metavar="KEY")
@click.option("--set", "status", type=LazyChoice(_settable), required=True)
@handled
def responses_status(campaign_key: str, addressee_key: str, status: str) -> None:
    """Set an addressee's status in a campaign by hand (clear: back to what answers say)."""
    from responses.status import set_status

    s = services()
    with s.db.unit_of_work() as uow:
        set_status(uow, campaign_key, addressee_key, status, actor=s.actor, clock=s.clock)
    console.print(f"{addressee_key}: {status}")


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
