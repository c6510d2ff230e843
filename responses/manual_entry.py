"""Answers logged by staff (a letter on paper, a call, a meeting) and what of them is public.

Rule: a logged answer is stored like an imported one, credited to the letter of the newest
delivery to the addressee at or before its date (``campaigns.threads``), or to their newest
letter when none is recorded as delivered. It is refused when the campaign neither targets nor
wrote to that addressee, when it predates every delivery to them or lies in the future, or
when its texts hold control characters. Only ``public_summary``, which staff write for the
purpose, ever appears on the public page, never the internal summary. Staff may classify any
answer afterwards (``classify``: stance, and answer or acknowledgement), audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.store import appeal_of, get_campaign
from campaigns.threads import Thread, thread_of
from errors import InputError, NotFound, Problem
from recipients.selection import resolve
from storage import audit
from storage.tables import Addressee, Campaign, Response
from timeutil import Clock

KINDS = ("response", "acknowledgement")
CHANNELS = ("email", "letter", "phone", "meeting", "public-statement", "web-form", "other")
STANCES = ("supportive", "partly-supportive", "non-committal", "opposed", "unclear")
SOURCE = "logged answer"
# C0 controls but tab and newline, DEL and C1: never typed on purpose, and they garble pages.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Answer:
    """What staff tell us about one answer."""

    campaign: str
    addressee: str
    kind: str = "response"
    channel: str = "letter"
    stance: str = "unclear"
    summary: str = ""
    public_summary: str = ""
    received_at: datetime | None = None


def _check(answer: Answer) -> None:
    problems = [
        Problem(SOURCE, None, name, f"must be one of {', '.join(allowed)}")
        for name, value, allowed in (
            ("kind", answer.kind, KINDS),
            ("channel", answer.channel, CHANNELS),
            ("stance", answer.stance, STANCES),
        )
        if value not in allowed
    ]
    if len(answer.summary) > 5000 or len(answer.public_summary) > 2000:
        problems.append(Problem(SOURCE, None, "summary", "is too long (5,000; public 2,000)"))
    for name, text in (("summary", answer.summary), ("public_summary", answer.public_summary)):
        if _CONTROL.search(text):
            problems.append(Problem(SOURCE, None, name, "holds control characters"))
    if problems:
        raise InputError(problems)


def _when(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _credited_letter(
    thread: Thread | None, answer: Answer, received: datetime, now: datetime
) -> int | None:
    """The letter a logged answer answers (by ``campaigns.threads``); refuses impossible dates."""
    if received > now:
        message = f"{_when(received)} lies in the future (now {_when(now)})"
        raise InputError([Problem(SOURCE, None, "received_at", message)])
    if thread is None:
        return None
    letter, _ = thread.credit(received)
    first = thread.delivered_at
    if letter is None and first is None:
        return thread.newest.letter.id  # nothing recorded as delivered: no date to hold it to
    if letter is None:
        message = (
            f"{_when(received)} is before the first delivery to {answer.addressee} "
            f"({_when(first)}); give the time it arrived"
            if first
            else ""
        )
        raise InputError([Problem(SOURCE, None, "received_at", message)])
    return letter.letter.id


def _thread(uow: Session, campaign: Campaign, answer: Answer) -> tuple[Addressee, Thread | None]:
    """The addressee and their thread (None: a target not yet written to); refuses anyone
    the campaign neither wrote to nor targets."""
    addressee = uow.scalar(select(Addressee).where(Addressee.key == answer.addressee))
    if addressee is None:
        raise NotFound(f"no addressee {answer.addressee!r}")
    thread = thread_of(uow, campaign.id, addressee.id)
    targets = resolve(uow, appeal_of(campaign).targets).addressees
    if thread is None and addressee.id not in {a.id for a in targets}:
        message = f"{answer.campaign} neither targets nor wrote to {answer.addressee}"
        raise InputError([Problem(SOURCE, None, "addressee", message)])
    return addressee, thread


def log_answer(uow: Session, answer: Answer, *, actor: str, clock: Clock) -> Response:
    """Store an answer staff received outside the mail import."""
    _check(answer)
    campaign = get_campaign(uow, answer.campaign)
    addressee, thread = _thread(uow, campaign, answer)
    received = answer.received_at or clock.now()
    letter_id = _credited_letter(thread, answer, received, clock.now())
    response = Response(
        campaign_id=campaign.id,
        addressee_id=addressee.id,
        letter_id=letter_id,
        kind=answer.kind,
        channel=answer.channel,
        stance=answer.stance,
        summary=answer.summary.strip(),
        public_summary=answer.public_summary.strip(),
        received_at=received,
        matched_by="manual",
    )
    uow.add(response)
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.log",
        subject=f"response:{response.id}",
        campaign_id=campaign.id,
        addressee=addressee.key,
        kind=answer.kind,
        stance=answer.stance,
    )
    return response


def publish_summary(
    uow: Session, response_id: int, text: str, *, actor: str, clock: Clock
) -> Response:
    """Set (or, with empty text, withdraw) what the public page says about this answer."""
    response = uow.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response {response_id}")
    if len(text) > 2000:
        raise InputError([Problem(SOURCE, None, "public_summary", "is too long (2,000)")])
    response.public_summary = text.strip()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.publish",
        subject=f"response:{response_id}",
        campaign_id=response.campaign_id,
        public_summary=response.public_summary,
    )
    return response


def classify(
    uow: Session,
    response_id: int,
    *,
    stance: str | None = None,
    kind: str | None = None,
    actor: str,
    clock: Clock,
) -> Response:
    """Set the stance and/or the kind (an answer, or only an acknowledgement) of any response,
    imported or logged; audited with the values before and after."""
    response = uow.get(Response, response_id)
    if response is None:
        raise NotFound(f"no response {response_id}")
    problems = [
        Problem(SOURCE, None, name, f"must be one of {', '.join(allowed)}")
        for name, value, allowed in (("stance", stance, STANCES), ("kind", kind, KINDS))
        if value is not None and value not in allowed
    ]
    if problems:
        raise InputError(problems)
    before = {"stance": response.stance, "kind": response.kind}
    response.stance = stance or response.stance
    response.kind = kind or response.kind
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="response.classify",
        subject=f"response:{response_id}",
        campaign_id=response.campaign_id,
        before=before,
        after={"stance": response.stance, "kind": response.kind},
    )
    return response
