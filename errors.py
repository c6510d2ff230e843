"""Every error the service raises on purpose, in one tree.

    AdvocacyError                 base: the CLI prints its message and exits 1, no traceback
    ├── InputError                bad user input; carries every problem as FILE:LINE: field: problem
    ├── NotFound                  a campaign, addressee, letter … that does not exist
    ├── Conflict                  the request contradicts stored state (e.g. a lower count)
    ├── UnknownFormat             a strategy looked up by a name nobody registered
    ├── Unauthenticated           a request whose signature or credentials do not check out (401)
    ├── PayloadTooLarge           a request body over the configured size limit (413)
    ├── TemplateError             a template failed to render; no letter is produced from it
    └── IntegrityRefused          bytes about to be delivered were not the approved bytes

Rule: raise these for anything a user can cause or fix; let genuine bugs be ordinary exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class AdvocacyError(Exception):
    """Base class: a failure the user can understand and act on."""


@dataclass(frozen=True)
class Problem:
    """One defect in an input file, located as precisely as we can."""

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.field}: {self.message}"


class InputError(AdvocacyError):
    """The input was rejected as a whole; ``problems`` lists every defect found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        summary = f"{len(self.problems)} problem(s); nothing was written"
        super().__init__("\n".join([*map(str, self.problems), summary]))


class NotFound(AdvocacyError):
    """Something named by the user does not exist."""


class Conflict(AdvocacyError):
    """The request contradicts what is stored."""


class UnknownFormat(AdvocacyError):
    """A renderer, transport or importer was asked for by a name that is not registered."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        super().__init__(f"unknown {kind} {name!r}; known: {', '.join(sorted(known))}")


class Unauthenticated(AdvocacyError):
    """A request could not be shown to come from who it claims (HTTP 401); nothing was stored."""


class PayloadTooLarge(AdvocacyError):
    """A request body exceeded the size limit (HTTP 413); it was not parsed."""


class TemplateError(AdvocacyError):
    """A template could not be rendered; the letter is not produced."""


class IntegrityRefused(AdvocacyError):
    """Delivery refused bytes whose sha256 does not match an approval."""
