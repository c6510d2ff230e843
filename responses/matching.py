"""Which letters a reply answers: the matching order, each step one function.

Rule: the first step that succeeds wins and is recorded as ``matched_by``: genuine tokens in
To/Cc/Delivered-To or quoted in the text (``token``; every letter whose token appears, so one
answer to three campaigns lands on all three), our Message-ID in In-Reply-To/References
(``in-reply-to``), one clear fuzzy guess of a mistyped token (``guess``, which staff are asked
to confirm), the sender known in the registry (``sender``). Anything else goes to the holding
pen; a guess with a rival is no guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import getaddresses

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from letters.identity import ReplyAddresses
from responses.parse import Mail
from storage.tables import Addressee, Letter

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# Something shaped like a token (hex-ish, one hyphen, about the right length) that failed the
# HMAC check: a typist dropped, added or changed a character or two.
_TOKEN_LIKE = re.compile(r"reply\+([0-9a-z]{13,19}-[0-9a-z]{7,13})@", re.IGNORECASE)
_AFFIX = 4  # one edit cannot change both the first and the last four characters
MAX_GUESS_DISTANCE = 2
# Built once: making the expression anew for every message cost more than running it.
_BY_TOKENS = select(Letter).where(Letter.reply_token.in_(bindparam("t", expanding=True)))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions each cost one)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _recipients(mail: Mail) -> str:
    return " ".join(mail.raw_header(h) for h in ("To", "Cc", "Delivered-To"))


def by_token(uow: Session, mail: Mail, identities: ReplyAddresses) -> list[Letter]:
    """Every letter whose genuine token is in the recipients or quoted in the text."""
    tokens = identities.tokens_in(_recipients(mail)) + identities.tokens_in(mail.text)
    if not tokens:
        return []
    found = {
        letter.reply_token: letter for letter in uow.scalars(_BY_TOKENS, {"t": list(set(tokens))})
    }
    return list({t: found[t] for t in tokens if t in found}.values())


def by_thread(uow: Session, mail: Mail) -> Letter | None:
    referenced = " ".join(mail.raw_header(h) for h in ("In-Reply-To", "References"))
    for message_id in _MESSAGE_ID.findall(referenced)[:50]:
        letter = uow.scalar(select(Letter).where(Letter.message_id == message_id))
        if letter is not None:
            return letter
    return None


def guess_token(uow: Session, typed: str) -> Letter | None:
    """The one letter whose token is within two edits of ``typed`` and clearly nearest."""
    typed = typed.lower()
    candidates = uow.scalars(
        select(Letter).where(
            or_(
                Letter.reply_token.startswith(typed[:_AFFIX], autoescape=True),
                Letter.reply_token.endswith(typed[-_AFFIX:], autoescape=True),
            )
        )
    ).all()
    ranked = sorted((edit_distance(typed, c.reply_token), c.id, c) for c in candidates)
    if not ranked or ranked[0][0] > MAX_GUESS_DISTANCE:
        return None
    if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
        return None  # two equally near tokens: ask a person
    return ranked[0][2]


def by_guess(uow: Session, mail: Mail, identities: ReplyAddresses) -> Letter | None:
    for typed in _TOKEN_LIKE.findall(_recipients(mail)):
        if not identities.is_genuine(typed):
            letter = guess_token(uow, typed)
            if letter is not None:
                return letter
    return None


def by_sender(uow: Session, mail: Mail) -> Letter | None:
    # Skip empty addresses ("Name <>"): they would match every addressee without an email.
    senders = [a.lower() for _, a in getaddresses([mail.raw_header("From")]) if a]
    if not senders:
        return None
    addressee = uow.scalar(
        select(Addressee).where(func.lower(Addressee.email).in_(senders)).limit(1)
    )
    if addressee is None:
        return None
    return uow.scalar(
        select(Letter)
        .where(Letter.addressee_id == addressee.id)
        .order_by(Letter.id.desc())
        .limit(1)
    )


def find_letters(uow: Session, mail: Mail, identities: ReplyAddresses) -> tuple[list[Letter], str]:
    """The letters this message answers and the rule that found them, or ([], "")."""
    letters = by_token(uow, mail, identities)
    if letters:
        return letters, "token"
    steps: list[tuple[str, Callable[[], Letter | None]]] = [
        ("in-reply-to", lambda: by_thread(uow, mail)),
        ("guess", lambda: by_guess(uow, mail, identities)),
        ("sender", lambda: by_sender(uow, mail)),
    ]
    for name, step in steps:
        letter = step()
        if letter is not None:
            return [letter], name
    return [], ""
