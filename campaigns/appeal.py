"""The appeal definition file (YAML) and its validation.

Rule: ``load_appeal`` either returns a complete, valid ``Appeal`` or raises ``InputError`` whose
problems name the file, line and field; a half-valid appeal never reaches the database.
See ``examples/appeal-derecognition.yaml`` for a commented example.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from campaigns.milestone_spec import Milestone
from errors import InputError, Problem
from located import load_document, validate
from recipients.codes import is_language_tag
from recipients.record import Line80, Line200, Line300
from recipients.selection import Selection

# BCP 47 as letters use it: a language, then optionally a script and a region (be-Latn, pt-BR).
_LANGUAGE = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$"


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


def _known_language(code: str) -> str:
    if not is_language_tag(code):
        raise ValueError(f"{code!r} is not a language tag (ISO 639-1, optionally -Script/-RG)")
    return code


Language = Annotated[str, AfterValidator(_known_language)]


class Support(_Strict):
    """What the letter says about who stands behind the appeal: ``count`` (the signatures
    as of the batch, the default), ``none`` (no sentence: a joint statement of organisations)
    or ``text`` (a sentence per language, e.g. "adopted by a rally in Warsaw on 21 May
    2023"). The petition link and QR code appear whenever ``petition_url`` is given."""

    kind: Literal["count", "none", "text"] = "count"
    text: dict[Language, Annotated[str, Field(min_length=1, max_length=1000)]] = {}

    @model_validator(mode="after")
    def _text_for_text(self) -> Support:
        if self.kind == "text" and not self.text:
            raise ValueError("support: text needs a sentence per language under 'text'")
        if self.kind != "text" and self.text:
            raise ValueError("'text' belongs to kind: text")
        return self


def _support_shorthand(value: object) -> object:
    """``support: none`` is ``support: {kind: none}``."""
    return {"kind": value} if isinstance(value, str) else value


class Layout(_Strict):
    """How a letter shows the texts: ``single`` (the addressee's language only) or
    ``bilingual`` (the letter's language, then the other of ``languages``, each complete)."""

    style: Literal["single", "bilingual"] = "single"
    languages: list[Language] = []

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
    # Required unless ``support`` is ``none`` or ``text`` (see ``_petition_for_count``).
    petition_url: Line300 = Field("", pattern=r"^(https?://.*)?$")
    texts: dict[Language, Text] = Field(min_length=1)
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
    support: Annotated[Support, BeforeValidator(_support_shorthand)] = Support()
    # Pins an addressee's letter language(s) over the registry's, by addressee key:
    # ``languages_for: {mfa-cyprus: el}`` or ``{mfa-cyprus: [el, en]}``.
    languages_for: dict[Line80, Language | list[Language]] = {}
    # Office hours for this appeal's email, in each addressee's zone, over ADVOCACY_SEND_WINDOW:
    # "09:30-12:00" (weekdays), "any" (no window), "" (the setting's).
    send_window: str = Field(
        "", pattern=r"^(any|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)?$"
    )

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

    @field_validator("support")
    @classmethod
    def _support_in_every_language(cls, value: Support, info: ValidationInfo) -> Support:
        texts = info.data.get("texts")
        missing = [code for code in texts or () if value.kind == "text" and code not in value.text]
        if missing:  # else that language's letter would carry another language's sentence
            raise ValueError(f"support text missing for {', '.join(map(repr, missing))}")
        return value

    @model_validator(mode="after")
    def _petition_for_count(self) -> Appeal:
        if self.support.kind == "count" and not self.petition_url:
            raise ValueError("petition_url is required when support is count (the default)")
        return self

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

    def language_for(self, preferred: list[str], *, key: str = "") -> str:
        """The letter's language: the first of the addressee's languages (or those the appeal
        pins for ``key``) we have a text in, else the default. A bilingual letter reads in
        one of its two languages."""
        return self.language_choice(preferred, key=key)[0]

    def language_choice(self, preferred: list[str], *, key: str = "") -> tuple[str, str]:
        """``language_for`` and why, for ``campaign targets``: "registry #2 (el: no text)" (the
        addressee's second language), "pinned #1" (``languages_for``) or "default (…)"."""
        pinned = self.languages_for.get(key)
        if pinned is not None:
            preferred = [pinned] if isinstance(pinned, str) else list(pinned)
        where = "pinned" if pinned is not None else "registry"
        usable = self.layout.languages if self.layout.style == "bilingual" else self.texts
        for position, code in enumerate(preferred):
            if code in usable:
                skipped = f" ({', '.join(preferred[:position])}: no text)" if position else ""
                return code, f"{where} #{position + 1}{skipped}"
        fallback = self.layout.languages[0] if self.layout.style == "bilingual" else None
        chosen = fallback or self.default_language
        return chosen, f"default (no text in {', '.join(preferred) or 'any language'})"


def load_appeal(path: Path) -> Appeal:
    """Read and validate an appeal file."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, "file", "does not exist")])
    appeal, problems = validate(Appeal, str(path), load_document(path))
    if appeal is None:
        raise InputError(problems)
    return appeal
