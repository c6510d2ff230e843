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


def test_every_answer_choice_has_words() -> None:
    """Each kind, channel and stance an answer can have is named in the catalogue."""
    from responses.manual_entry import CHANNELS, KINDS, STANCES

    keys = {f"kind.{k}" for k in KINDS} | {f"channel.{c}" for c in CHANNELS}
    keys |= {f"stance.{s}" for s in STANCES}
    assert keys - set(CATALOGUES["en"]) == set()
