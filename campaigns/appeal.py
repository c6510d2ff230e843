"""The appeal definition file (YAML) and its validation.

Rule: ``load_appeal`` either returns a complete, valid ``Appeal`` or raises ``InputError`` whose
problems name the file, line and field; a half-valid appeal never reaches the database.
See ``examples/appeal-derecognition.yaml`` for a commented example.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

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


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset, e.g. 2021-09-20T09:00:00+02:00")
    return value


class Milestone(_Strict):
    """Fires once: when the count reaches ``signatures``, or when the clock reaches ``at``."""

    key: Line80 = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    signatures: int | None = Field(None, gt=0)
    at: Annotated[datetime, AfterValidator(_aware)] | None = None

    @model_validator(mode="after")
    def _one_trigger(self) -> Milestone:
        if (self.signatures is None) == (self.at is None):
            raise ValueError("give exactly one of 'signatures' or 'at'")
        return self


def _known_language(code: str) -> str:
    if code not in language_codes():
        raise ValueError(f"{code!r} is not an ISO 639-1 language code")
    return code


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
    template: Line80 = "letter"
    review_required: bool = True

    # Field validators, not a model validator, so each problem names its field and line.
    @field_validator("default_language")
    @classmethod
    def _default_has_text(cls, value: str, info: ValidationInfo) -> str:
        texts = info.data.get("texts")
        if texts is not None and value not in texts:
            raise ValueError(f"{value!r} has no text")
        return value

    @field_validator("milestones")
    @classmethod
    def _milestone_keys_unique(cls, value: list[Milestone]) -> list[Milestone]:
        keys = [m.key for m in value]
        if len(keys) != len(set(keys)):
            raise ValueError("milestone keys must be unique")
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
