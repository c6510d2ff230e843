"""Commands for answers staff record by hand: one that came outside email (``log``), a
response's stance or kind (``classify``), an addressee's status set by hand (``status``).

Rule (``cli.lazy``): service modules are imported inside the commands, never at the top; every
change is audited by the service it calls, in one unit of work.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click

from cli.base import console, handled, services
from cli.lazy import LazyChoice, constant
from cli.responses import responses
from errors import InputError, Problem


def _settable() -> tuple[str, ...]:
    from responses.status import CLEAR, SETTABLE

    return (*SETTABLE, CLEAR)


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
