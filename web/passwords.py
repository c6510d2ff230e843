"""What makes a staff password acceptable, in one place for ``users add``, ``users passwd``,
the admin page and the login form's field limit.

Rule: a password has ``MIN_PASSWORD`` to ``MAX_PASSWORD`` characters, is not only whitespace,
and is not a common password (``data/common-passwords.txt``, compared after lower-casing,
dropping spaces and trailing digits and symbols, so "Password2024!" counts as "password").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIN_PASSWORD = 12
# argon2 hashes any length, but the login form refuses longer fields: one limit for both,
# so a password that can be set can always be typed in.
MAX_PASSWORD = 256
_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _stem(password: str) -> str:
    squeezed = re.sub(r"\s+", "", password.lower())
    return re.sub(r"[\W\d_]+$", "", squeezed) or squeezed


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused, or None when it is acceptable."""
    if not password.strip():
        return "must not be empty or only spaces"
    if len(password) < MIN_PASSWORD:
        return f"needs at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"may have at most {MAX_PASSWORD} characters"
    if len(set(password.strip())) < 4:
        return "repeats too few characters; choose a longer phrase"
    common = common_passwords()
    squeezed = re.sub(r"\s+", "", password.lower())
    if squeezed in common or _stem(password) in common:
        return "is a well-known password (on the list attackers try first); choose another"
    return None
