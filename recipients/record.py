"""One addressee as it appears in an import file, validated field by field.

Rule: a record that passes ``AddresseeRecord`` can be stored as is; every check that can reject
a row lives here, so the CLI, the demo and (later) the web import share the same judgement.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from recipients.codes import country_codes, normalized_languages

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
# The contact values, each with its own provenance: ``<field>_source`` (where it is published)
# and ``<field>_verified_on`` (when staff last confirmed it there; empty: nobody has).
CONTACTS = ("email", "postal_address", "web_form", "website")
FIELDS = (
    "key",
    "name",
    "official_name",
    "office",
    "person",
    "title",
    "holder_since",
    "category",
    "country",
    "languages",
    *(f"{c}{suffix}" for c in CONTACTS for suffix in ("", "_source", "_verified_on")),
    "salutation",
    "tags",
    "source",
    "verified_on",
    "defunct",
)
DATES = ("holder_since", "verified_on", *(f"{c}_verified_on" for c in CONTACTS))
# What a new addressee cannot do without; an update file may leave them out (``key`` + any).
REQUIRED = ("name", "category")
_OFFICE = re.compile(r"^[a-z][a-z-]{0,59}$")
# C0 and C1 controls (C1 holds NEL, U+0085, a line break to YAML) and the Unicode line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def _single_line(value: object) -> object:
    if not value or not isinstance(value, str):
        return value  # empty, or not text: the str schema behind this says what is wrong
    if _CONTROL.search(value):
        raise ValueError("contains a line break or control character")
    return value.strip()


def _multi_line(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")  # a lone CR (old Mac) is a break
    if _CONTROL.search(value.replace("\n", "")):
        raise ValueError("contains a control character")
    return "\n".join(line.strip() for line in value.split("\n")).strip()


# Control characters are refused and whitespace stripped *before* the string schema, so the
# length limit applies to the stored value and reads "String should have at most N characters"
# (a limit placed after a validator reads "Value should have at most N items after validation").
# strict: bytes (YAML's !!binary) are not quietly decoded past the check.
_SingleLine = BeforeValidator(_single_line)
Line2 = Annotated[str, Field(max_length=2, strict=True), _SingleLine]
Line80 = Annotated[str, Field(max_length=80, strict=True), _SingleLine]
Line100 = Annotated[str, Field(max_length=100, strict=True), _SingleLine]
Line200 = Annotated[str, Field(max_length=200, strict=True), _SingleLine]
Line254 = Annotated[str, Field(max_length=254, strict=True), _SingleLine]
Line300 = Annotated[str, Field(max_length=300, strict=True), _SingleLine]
Line500 = Annotated[str, Field(max_length=500, strict=True), _SingleLine]
MultiLine1000 = Annotated[str, Field(max_length=1000, strict=True), BeforeValidator(_multi_line)]


# An RFC 5322 dot-atom local part and an ASCII host name: the shape nearly every address has.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_EMAIL = re.compile(rf"({_ATEXT}(?:\.{_ATEXT})*)@([A-Za-z0-9.-]+)")


@lru_cache(maxsize=65536)
def _plain_domain(domain: str) -> str | None:
    """email-validator's normal form of an ASCII domain when it changes nothing but case."""
    try:
        normalized = validate_email(f"a@{domain}", check_deliverability=False).domain
    except EmailNotValidError:
        return None
    return normalized if normalized == domain.lower() else None


def normalized_email(value: str) -> str:
    """``validate_email(value).normalized`` without DNS; raise ``EmailNotValidError`` if bad.

    Validating the domain is most of email-validator's work and registries repeat domains, so
    for the plain shape (ASCII dot-atom @ ASCII domain, within the length limits) the domain's
    verdict is cached and the local part is kept as email-validator keeps it. Anything else,
    and every invalid address, goes through email-validator itself, so messages are its own.
    """
    plain = _PLAIN_EMAIL.fullmatch(value)
    if plain and len(value) <= 254 and len(plain[1]) <= 64:
        domain = _plain_domain(plain[2])
        if domain is not None:
            local = plain[1]
            if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
                local = local.lower()  # RFC 2142 names (postmaster, info …), as email-validator
            return f"{local}@{domain}"
    # Syntax only: deliverability would mean blocking DNS on every import.
    return validate_email(value, check_deliverability=False).normalized


class AddresseeRecord(BaseModel):
    """A registry row; unknown fields are errors so typos in column names do not pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    # name and category may be left out of an update (``model_fields_set`` says which fields a
    # row gave); import_records refuses a *new* addressee without them (``REQUIRED``).
    key: Line80
    name: Line300 = ""  # a given "" or blank is refused by _name_present with "is missing"
    official_name: Line300 = ""
    office: Line80 = ""
    person: Line200 = ""
    title: Line200 = ""
    holder_since: date | None = None
    category: Category = "other"
    country: Line2 = ""
    languages: Line100 = "en"
    email: Line254 = ""
    email_source: Line500 = ""
    email_verified_on: date | None = None
    postal_address: MultiLine1000 = ""
    postal_address_source: Line500 = ""
    postal_address_verified_on: date | None = None
    web_form: Line500 = ""
    web_form_source: Line500 = ""
    web_form_verified_on: date | None = None
    website: Line500 = ""
    website_source: Line500 = ""
    website_verified_on: date | None = None
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
        return normalized_languages(value)

    @field_validator("email")
    @classmethod
    def _email_syntax(cls, value: str) -> str:
        if not value:
            return value
        try:
            return normalized_email(value)
        except EmailNotValidError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("office")
    @classmethod
    def _office_key(cls, value: str) -> str:
        if value and not _OFFICE.match(value):
            raise ValueError("must be an office key: lowercase letters and '-' (e.g. minister)")
        return value

    @field_validator("web_form", "website")
    @classmethod
    def _web_form_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("tags")
    @classmethod
    def _tags_normalised(cls, value: str) -> str:
        return ";".join(tag.strip() for tag in value.split(";") if tag.strip())

    @field_validator(*DATES, "defunct", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object, info: Any) -> object:
        if value == "":
            return False if info.field_name == "defunct" else None
        return value

    def language_list(self) -> list[str]:
        return self.languages.split(";")
