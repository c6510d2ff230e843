"""What became of one inbound message, as data and as one line for people.

Rule: ``outcome`` is one of ``OUTCOMES``; ``describe`` never lets a message's own text put a
control character (a terminal escape) on the line it prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.tables import Response

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no terminal escapes from a message's text
OUTCOMES = ("stored", "duplicate", "unmatched", "auto-reply", "bounce", "quarantined")


@dataclass(frozen=True)
class Inbound:
    """What became of one message: ``outcome`` (one of OUTCOMES) and why."""

    outcome: str
    responses: tuple[Response, ...] = ()
    matched_by: str = ""  # token, in-reply-to, guess, sender (stored responses only)
    kind: str = ""  # the classification: bounce, auto-reply, holding, answer
    reason: str = ""  # the classification rule, or why it was quarantined
    held_id: int | None = None
    addressees: tuple[str, ...] = ()  # the keys of the letters' addressees, in order
    notes: tuple[str, ...] = ()  # what the parse boundary decided (charset fallbacks …)

    @property
    def response(self) -> Response | None:
        return self.responses[0] if self.responses else None

    def describe(self) -> str:
        """One line for people: where the message went and which rule sent it there."""
        notes = f" [{'; '.join(self.notes)}]" if self.notes else ""
        return _CONTROL.sub("", self._line() + notes)

    def _line(self) -> str:
        if self.outcome == "stored":
            letters = ", ".join(
                f"letter {r.letter_id} to {key}"
                for r, key in zip(self.responses, self.addressees, strict=False)
            )
            why = f" ({self.reason})" if self.reason else ""
            return f"stored as {self.responses[0].kind} on {letters} by {self.matched_by}{why}"
        where = f" as pen #{self.held_id}" if self.held_id else ""
        return f"{self.outcome}{where}" + (f": {self.reason}" if self.reason else "")
