"""Choosing addressees: an appeal's targets and saved groups are both a ``Selection``.

Rule: explicit ``keys`` and ``groups`` are always included; the filters narrow together —
an addressee matches when it is in ANY listed category AND ANY listed country AND carries ANY
listed tag (a filter left empty does not narrow). ``exclude`` removes keys at the end. Defunct
addressees are never selected, and every surprise (unknown key, defunct, no contact channel)
is returned as a warning that names the addressee, never dropped silently.

Why the SQL narrowing: the registry grows (2,000 rows cost ~50 ms to load as ORM objects, and
the review page runs ``campaign check`` on every view), so only rows the selection *can* match
are read — listed keys, and rows a filter may match — and ``Selection.matches`` still decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from errors import InputError, NotFound, Problem
from located import Located, load_document, validate
from recipients.record import Category, Line2, Line80, Line300
from storage.tables import Addressee, AddresseeGroup
from timeutil import Clock

# More listed keys than this are not narrowed in SQL (a statement's bound parameters are
# limited: SQLite 32,766, PostgreSQL 65,535); the whole registry is read then, as it always was.
_KEYS_IN_SQL = 1_000


class Selection(BaseModel):
    """Which addressees: keys and saved groups, narrowed by category, country and tag."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keys: list[Line80] = []
    groups: list[Line80] = []
    categories: list[Category] = []
    countries: list[Line2] = []
    tags: list[Line80] = []
    exclude: list[Line80] = []

    @model_validator(mode="after")
    def _something_selected(self) -> Selection:
        if not (self.keys or self.groups or self.categories or self.countries or self.tags):
            raise ValueError("select at least one key, group, category, country or tag")
        return self

    @property
    def has_filter(self) -> bool:
        return bool(self.categories or self.countries or self.tags)

    def matches(self, addressee: Addressee | Facts) -> bool:
        """True when the addressee passes every non-empty filter."""
        tags = set(filter(None, addressee.tags.split(";")))
        countries = {c.upper() for c in self.countries}
        return (
            self.has_filter
            and (not self.categories or addressee.category in self.categories)
            and (not countries or addressee.country in countries)
            and (not self.tags or bool(tags & set(self.tags)))
        )


class Group(Selection):
    """A saved selection campaigners reuse: a *list* (explicit ``keys``, which never grows by
    itself) or a *filter* (categories, countries, tags, ``exclude``: matches as the registry
    grows), never both, so what a group is stays plain from its kind."""

    title: Line300

    @model_validator(mode="after")
    def _one_kind(self) -> Group:
        if self.groups:
            raise ValueError("a group cannot include other groups")
        if self.keys and (self.has_filter or self.exclude):
            raise ValueError(
                "a group is either a list of keys or a filter (categories, countries, tags, "
                "exclude), not both: list the keys, or make two groups"
            )
        return self


def group_kind(selection: dict[str, object]) -> str:
    """'list' for a saved group of explicit keys, 'filter' for one of categories/tags…"""
    return "list" if selection.get("keys") else "filter"


@dataclass
class Targeted:
    addressees: list[Addressee] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _group(uow: Session, key: str) -> Selection:
    row = uow.scalar(select(AddresseeGroup).where(AddresseeGroup.key == key))
    if row is None:
        known = ", ".join(uow.scalars(select(AddresseeGroup.key).order_by(AddresseeGroup.key)))
        raise NotFound(f"no addressee group {key!r} (known: {known or 'none yet'})")
    # A Selection, not a Group: a group saved before groups had one kind still resolves.
    return Selection.model_validate(row.selection)


@dataclass(frozen=True, slots=True)
class Facts:
    """The columns of an addressee that choosing and ``campaign check`` read, as plain values:
    a Core row costs a fraction of an ORM object, for readers that change nothing."""

    key: str
    category: str
    country: str
    tags: str
    defunct: bool
    email: str
    postal_address: str
    web_form: str
    languages: str
    office: str
    title: str
    person: str


_FACT_COLUMNS = [getattr(Addressee, f.name) for f in fields(Facts)]
M = TypeVar("M", Addressee, Facts)  # what ``_chosen`` returns: ORM rows or their facts


def resolve(uow: Session, selection: Selection) -> Targeted:
    """The live addressees a selection names, ordered by key, with warnings by name."""

    def rows(where: ColumnElement[bool]) -> Iterable[Addressee]:
        return uow.scalars(select(Addressee).where(where).order_by(Addressee.key))

    return Targeted(*_chosen(uow, selection, rows))


def resolve_facts(uow: Session, selection: Selection) -> list[Facts]:
    """``resolve``'s addressees, the same ones in the same order, as ``Facts`` (warnings left
    out)."""

    def rows(where: ColumnElement[bool]) -> Iterable[Facts]:
        query = select(*_FACT_COLUMNS).where(where).order_by(Addressee.key)
        return (Facts(*row) for row in uow.execute(query))

    return _chosen(uow, selection, rows)[0]


def _may_match(parts: list[Selection], wanted: set[str]) -> ColumnElement[bool]:
    """A superset, in SQL, of the rows ``parts`` select: the listed keys, and rows whose
    category and country are listed and whose tags contain a listed tag (as a substring)."""
    if len(wanted) > _KEYS_IN_SQL:
        return true()
    either: list[ColumnElement[bool]] = [Addressee.key.in_(sorted(wanted))] if wanted else []
    for part in filter(lambda p: p.has_filter, parts):
        narrow: list[ColumnElement[bool]] = []
        if part.categories:
            narrow.append(Addressee.category.in_(part.categories))
        if part.countries:
            narrow.append(Addressee.country.in_(sorted({c.upper() for c in part.countries})))
        if part.tags:
            narrow.append(or_(*(Addressee.tags.contains(t, autoescape=True) for t in part.tags)))
        either.append(and_(*narrow))
    return or_(false(), *either)


def _chosen(
    uow: Session, selection: Selection, rows: Callable[[ColumnElement[bool]], Iterable[M]]
) -> tuple[list[M], list[str]]:
    """The rule of the module docstring, over ``rows(where)`` (ordered by key)."""
    parts = [selection, *(_group(uow, key) for key in selection.groups)]
    wanted = {key for part in parts for key in part.keys}
    everyone = {row.key: row for row in rows(_may_match(parts, wanted))}
    chosen: list[M] = []
    warnings = [
        f"{key}: not in the registry; add it with advocacy recipients import FILE"
        for key in sorted(wanted - everyone.keys())
    ]
    excluded = set(selection.exclude)
    for key, row in everyone.items():
        if key in excluded or not (key in wanted or any(p.matches(row) for p in parts)):
            continue
        if row.defunct:
            warnings.append(f"{key}: defunct, skipped")
            continue
        if not (row.email or row.postal_address or row.web_form):
            warnings.append(
                f"{key}: no contact channel; add one with advocacy recipients set {key} "
                "email=… (or postal_address=… or web_form=…)"
            )
        chosen.append(row)
    return chosen, warnings


def read_groups(path: Path) -> dict[str, Group]:
    """Parse and validate a groups file (mapping group-key → selection with a title)."""
    document = load_document(path)
    if not isinstance(document.data, dict):
        raise InputError([Problem(str(path), 1, "file", "must map group keys to selections")])
    groups: dict[str, Group] = {}
    problems: list[Problem] = []
    for key, value in document.data.items():
        prefix = (key,)
        lines = {p[1:]: n for p, n in document.lines.items() if p[:1] == prefix}
        sub = Located(value, document.lines.get(prefix, 1), lines)
        group, found = validate(Group, str(path), sub)
        problems.extend(Problem(p.source, p.line, f"{key}.{p.field}", p.message) for p in found)
        if group is not None:
            groups[str(key)] = group
    if problems:
        raise InputError(problems)
    return groups


def save_groups(uow: Session, groups: dict[str, Group], *, clock: Clock) -> list[str]:
    """Create or replace saved groups; return the keys that changed."""
    changed = []
    for key, group in groups.items():
        data = group.model_dump(mode="json", exclude={"title"})
        row = uow.scalar(select(AddresseeGroup).where(AddresseeGroup.key == key))
        if row is None:
            uow.add(
                AddresseeGroup(key=key, title=group.title, selection=data, updated_at=clock.now())
            )
        elif row.selection == data and row.title == group.title:
            continue
        else:
            row.title, row.selection, row.updated_at = group.title, data, clock.now()
        changed.append(key)
    return changed


def list_groups(uow: Session) -> list[AddresseeGroup]:
    return list(uow.scalars(select(AddresseeGroup).order_by(AddresseeGroup.key)))
