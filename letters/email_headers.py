"""Email policies that make each header from a given string once, and fold it once.

Rule: ``SMTP`` and ``SMTPUTF8`` here are the standard library's policies, but a header value
given as a string (``MIME-Version: 1.0``, a text part's ``Content-Type``, the batch's Date and
Subject...) is parsed into its header object once and that object is reused, and a reused
object's folded bytes are kept per policy setting. A header object is immutable and its fold a
function of it and of the policy's settings alone, so a message is the bytes the library's own
policies give (tests/letters/test_email.py compares them). Values that are not plain strings
(``Address`` objects) and header objects go the library's way every time.

Why: parsing and folding headers is about half of building a letter's email, and most of its
headers are the same strings in every letter of a batch.
"""

from __future__ import annotations

from collections import OrderedDict
from email.policy import SMTP as _SMTP
from email.policy import EmailPolicy
from typing import Any

KEPT = 1024  # header objects kept per process, most recently used last
_made: OrderedDict[tuple[str, str], Any] = OrderedDict()
# Each kept object by its id (held here, so the id is its own), with its folds by settings.
_kept: dict[int, tuple[Any, dict[tuple[Any, ...], bytes]]] = {}


def _settings(policy: EmailPolicy) -> tuple[Any, ...]:
    """What a fold depends on: every setting of the policy (clones differ in some)."""
    return tuple(sorted(vars(policy).items()))


class _Remembering(EmailPolicy):
    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if type(value) is not str:
            return super().header_store_parse(name, value)
        made = _made.get((name, value))
        if made is None:
            _, made = super().header_store_parse(name, value)  # refuses CR/LF
            _made[(name, value)] = made
            _kept[id(made)] = (made, {})
            while len(_made) > KEPT:
                _, dropped = _made.popitem(last=False)
                del _kept[id(dropped)]
        else:
            _made.move_to_end((name, value))
        return name, made

    def fold_binary(self, name: str, value: Any) -> bytes:
        kept = _kept.get(id(value))
        if kept is None or kept[0] is not value:
            return super().fold_binary(name, value)
        folds, settings = kept[1], _settings(self)
        folded = folds.get(settings)
        if folded is None:
            folded = folds[settings] = super().fold_binary(name, value)
        return folded


SMTP = _Remembering(**vars(_SMTP))
SMTPUTF8 = SMTP.clone(utf8=True)
