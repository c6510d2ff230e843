"""One addressee as it appears in an import file, validated field by field.

Rule: a record that passes ``AddresseeRecord`` can be stored as is; every check that can reject
a row lives here, so the CLI, the demo and (later) the web import share the same judgement.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

CATEGORIES = (
    "eu-institution",
    "foreign-ministry",
    "government",
    "us-caucus",
    "uk-appg",
    "parliament",
    "international-org",
    "other",
)
Category = Literal[
    "eu-institution",
    "foreign-ministry",
    "government",
    "us-caucus",
    "uk-appg",
    "parliament",
    "international-org",
    "other",
]
FIELDS = (
    "key",
    "name",
    "official_name",
    "person",
    "title",
    "category",
    "country",
    "languages",
    "email",
    "postal_address",
    "web_form",
    "salutation",
    "tags",
    "source",
    "verified_on",
    "defunct",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes as Babel knows them, plus ``EU`` for EU bodies."""
    codes = {str(code) for code in Locale("en").territories}
    return frozenset({code for code in codes if len(code) == 2 and code.isalpha()} | {"EU"})


@cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 two-letter language codes as Babel knows them."""
    return frozenset(str(code) for code in Locale("en").languages if len(str(code)) == 2)


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("contains a line break or control character")
    return value.strip()


def _multi_line(value: str) -> str:
    if _CONTROL.search(value.replace("\n", "").replace("\r", "")):
        raise ValueError("contains a control character")
    return "\n".join(line.strip() for line in value.replace("\r\n", "\n").split("\n")).strip()


_SingleLine = AfterValidator(_single_line)
Line2 = Annotated[str, _SingleLine, Field(max_length=2)]
Line80 = Annotated[str, _SingleLine, Field(max_length=80)]
Line100 = Annotated[str, _SingleLine, Field(max_length=100)]
Line200 = Annotated[str, _SingleLine, Field(max_length=200)]
Line254 = Annotated[str, _SingleLine, Field(max_length=254)]
Line300 = Annotated[str, _SingleLine, Field(max_length=300)]
Line500 = Annotated[str, _SingleLine, Field(max_length=500)]


class AddresseeRecord(BaseModel):
    """A registry row; unknown fields are errors so typos in column names do not pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    key: Line80
    name: Line300 = Field(min_length=1)
    official_name: Line300 = ""
    person: Line200 = ""
    title: Line200 = ""
    category: Category
    country: Line2 = ""
    languages: Line100 = "en"
    email: Line254 = ""
    postal_address: Annotated[str, AfterValidator(_multi_line), Field(max_length=1000)] = ""
    web_form: Line500 = ""
    salutation: Line200 = ""
    tags: Line500 = ""
    source: Line500 = ""
    verified_on: date | None = None
    defunct: bool = False

    @field_validator("key")
    @classmethod
    def _key_is_slug(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError("must be a slug: lowercase letters, digits and '-'")
        return value

    @field_validator("name")
    @classmethod
    def _name_present(cls, value: str) -> str:
        if not value:
            raise ValueError("is missing")
        return value

    @field_validator("country")
    @classmethod
    def _country_known(cls, value: str) -> str:
        value = value.upper()
        if value and value not in country_codes():
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 code (or EU)")
        return value

    @field_validator("languages")
    @classmethod
    def _languages_known(cls, value: str) -> str:
        codes = [code.strip().lower() for code in value.split(";") if code.strip()]
        unknown = [code for code in codes if code not in language_codes()]
        if unknown:
            raise ValueError(f"not ISO 639-1 language codes: {', '.join(unknown)}")
        return ";".join(codes) or "en"

    @field_validator("email")
    @classmethod
    def _email_syntax(cls, value: str) -> str:
        if not value:
            return value
        try:
            # Syntax only: deliverability would mean blocking DNS on every import.
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("web_form")
    @classmethod
    def _web_form_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("tags")
    @classmethod
    def _tags_normalised(cls, value: str) -> str:
        return ";".join(tag.strip() for tag in value.split(";") if tag.strip())

    @field_validator("verified_on", "defunct", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object, info: Any) -> object:
        if value == "":
            return None if info.field_name == "verified_on" else False
        return value

    def language_list(self) -> list[str]:
        return self.languages.split(";")
