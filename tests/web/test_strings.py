"""Every text key the templates and pages use exists in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from web.strings import CATALOGUES

WEB = Path(__file__).resolve().parents[2] / "web"
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.-]+)["']""")
NOTICE = re.compile(r"""notice=["']([a-z_]+)["']""")


def test_every_key_used_is_in_the_english_catalogue() -> None:
    """Literal ``t("…")`` keys in templates and ``?notice=`` keys in pages are all defined."""
    used = set()
    for path in [*WEB.glob("templates/*.j2"), *WEB.glob("**/*.py")]:
        text = path.read_text()
        used |= set(LITERAL.findall(text))
        used |= {f"notice.{key}" for key in NOTICE.findall(text)}
    assert used
    assert used - set(CATALOGUES["en"]) == set()
