"""The appeal definition file (YAML) and its validation.

Rule: ``load_appeal`` either returns a complete, valid ``Appeal`` or raises ``InputError`` whose
problems name the file, line and field; a half-valid appeal never reaches the database.
See ``examples/appeal-derecognition.yaml`` for a commented example.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from campaigns.moments import Relative, Zone, resolve
from errors import InputError, Problem
from located import load_document, validate
from recipients.record import Line80, Line200, Line300, language_codes
from recipients.selection import Selection

_LANGUAGE = r"^[a-z]{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The appeal in one language."""

    subject: Line300 = Field(min_length=1)
    heading: Line300 = Field(min_length=1)
    body: str = Field(min_length=1, max_length=20000, description="Markdown")
    demands: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(min_length=1)
    closing: Line200 = "Yours sincerely"


class Cosigner(_Strict):
    organisation: Line300 = Field(min_length=1)
    representative: Line200 = ""
    role: Line300 = ""


class Sender(_Strict):
    organisation: Line300 = Field(min_length=1)
    name: Line200 = Field(min_length=1)
    email: Line200 = Field(min_length=3)
    postal_address: str = Field("", max_length=1000)


class Milestone(_Strict):
    """Fires once, by exactly one trigger: the count reaching ``signatures``; the clock reaching
    ``at`` (with an offset, or wall-clock time in ``zone``); or a moment ``before``/``after`` an
    event. Each firing creates a delivery batch (see ``campaigns.milestones``)."""

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


def _known_language(code: str) -> str:
    if code not in language_codes():
        raise ValueError(f"{code!r} is not an ISO 639-1 language code")
    return code


class Layout(_Strict):
    """How a letter shows the texts: ``single`` (the addressee's language only) or
    ``bilingual`` (the letter's language, then the other of ``languages``, each complete)."""

    style: Literal["single", "bilingual"] = "single"
    languages: list[Annotated[str, Field(pattern=_LANGUAGE)]] = []

    @model_validator(mode="after")
    def _two_for_bilingual(self) -> Layout:
        if self.style == "bilingual" and len(set(self.languages)) != 2:
            raise ValueError("a bilingual layout names two languages, e.g. [en, ru]")
        if self.style == "single" and self.languages:
            raise ValueError("languages are for style: bilingual")
        return self


class Appeal(_Strict):
    """A whole appeal: texts per language, co-signers, sender, targets, milestones."""

    key: Line80 = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Line300 = Field(min_length=1)
    petition_url: Line300 = Field(pattern=r"^https?://")
    texts: dict[Annotated[str, AfterValidator(_known_language)], Text] = Field(min_length=1)
    # After ``texts``, so its validator can check that the default language has a text.
    default_language: str = Field(pattern=_LANGUAGE)
    cosigners: list[Cosigner] = []
    sender: Sender
    targets: Selection
    milestones: list[Milestone] = []
    # Display goals ("next goal: 5,000"), never deliveries: see ``campaigns.goals``.
    goal_ladder: Literal["standard"] | list[Annotated[int, Field(gt=0)]] | None = None
    template: Line80 = "letter"
    # After ``texts``: its validator checks that both languages of a bilingual layout have one.
    layout: Layout = Layout()
    review_required: bool = True
    # Progress letters say how many signers come from the addressee's country (a count only).
    local_support: bool = False

    # Field validators, not a model validator, so each problem names its field and line.
    @field_validator("default_language")
    @classmethod
    def _default_has_text(cls, value: str, info: ValidationInfo) -> str:
        texts = info.data.get("texts")
        if texts is not None and value not in texts:
            raise ValueError(f"{value!r} has no text")
        return value

    @field_validator("layout")
    @classmethod
    def _layout_languages_have_texts(cls, value: Layout, info: ValidationInfo) -> Layout:
        texts = info.data.get("texts")
        missing = [code for code in value.languages if texts is not None and code not in texts]
        if missing:
            raise ValueError(f"{', '.join(map(repr, missing))} has no text")
        return value

    @field_validator("milestones")
    @classmethod
    def _milestone_keys_unique(cls, value: list[Milestone]) -> list[Milestone]:
        keys = [m.key for m in value]
        if len(keys) != len(set(keys)):
            raise ValueError("milestone keys must be unique")
        return value

    @field_validator("goal_ladder")
    @classmethod
    def _ladder_rises(cls, value: str | list[int] | None) -> str | list[int] | None:
        if isinstance(value, list) and any(b <= a for a, b in itertools.pairwise(value)):
            raise ValueError("ladder steps must rise, e.g. [500, 1000, 5000]")
        return value

    @property
    def languages(self) -> list[str]:
        return list(self.texts)

    def language_for(self, preferred: list[str]) -> str:
        """The first of the addressee's languages we have a text in, else the default."""
        return next((code for code in preferred if code in self.texts), self.default_language)


def load_appeal(path: Path) -> Appeal:
    """Read and validate an appeal file."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, "file", "does not exist")])
    appeal, problems = validate(Appeal, str(path), load_document(path))
    if appeal is None:
        raise InputError(problems)
    return appeal
