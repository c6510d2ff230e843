"""A milestone as an appeal file declares it: one trigger, and what its batch sends.

Rule: a milestone has exactly one trigger (``TRIGGERS``); a dated one resolves to a UTC moment
(``due_at``) through ``campaigns.moments``, so a wall time is never read in the host's zone.
Firing it is ``campaigns.milestones``; this module only says what a valid one is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from campaigns.moments import Relative, Zone, resolve
from recipients.record import Line80


class Milestone(BaseModel):
    """Fires once, by exactly one trigger: the count reaching ``signatures``; the clock reaching
    ``at`` (with an offset, or wall-clock time in ``zone``); or a moment ``before``/``after`` an
    event. Each firing creates a delivery batch (see ``campaigns.milestones``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Line80 = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    signatures: int | None = Field(None, gt=0)
    # ``zone`` before ``at``, so the ``at`` validator can read it.
    zone: Zone | None = None
    at: datetime | None = None
    before: Relative | None = None
    after: Relative | None = None
    # What the batch sends to addressees already written to: an update (``progress``, see
    # ``letters.progress``), the ``full`` appeal again, or nothing (``none``: the milestone
    # only records the moment, no batch).
    letter: Literal["progress", "full", "none"] = "progress"

    @field_validator("at")
    @classmethod
    def _at_has_zone(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None and "zone" in info.data:  # a bad zone is reported on its own
            resolve(value, info.data["zone"])
        return value

    @model_validator(mode="after")
    def _one_trigger(self) -> Milestone:
        given = [t for t in TRIGGERS if getattr(self, t) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one trigger: 'signatures', 'at', 'before' or 'after'")
        if self.zone is not None and self.at is None:
            raise ValueError("'zone' belongs to 'at' (inside 'before'/'after', give it there)")
        return self

    @property
    def due_at(self) -> datetime | None:
        """The UTC moment a dated milestone falls due; None for a signature count."""
        if self.at is not None:
            return resolve(self.at, self.zone)
        if self.before is not None:
            return self.before.shifted_wall(-1)
        if self.after is not None:
            return self.after.shifted_wall(+1)
        return None

    def describe(self) -> str:
        """The trigger in words: '15,000 signatures', '2 days before Council (2021-…)'."""
        if self.signatures is not None:
            return f"{self.signatures:,} signatures"
        if self.at is not None and self.zone is not None:
            return f"{self.at:%Y-%m-%d %H:%M} {self.zone}"
        if self.at is not None:
            return self.at.isoformat(" ", "minutes")
        relative, word = (self.before, "before") if self.before else (self.after, "after")
        return relative.describe(word) if relative else ""


TRIGGERS = ("signatures", "at", "before", "after")
