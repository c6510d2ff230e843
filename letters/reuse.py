"""Layout reuse: letters that differ only in their per-addressee blocks share one layout.

Rule: a template marks the top-level ``<body>`` children that change from one addressee to the
next (the address window, the salutation) with ``data-vary``. Two letters whose HTML is equal
once the content of those elements is removed have the same layout everywhere else, so the
first one's WeasyPrint layout (the *master*) is kept, and each later letter lays out only the
*head* of its HTML — everything up to the end of its last ``data-vary`` element — and puts
those boxes into a copy of the master's first page. The head's boxes are used only when each
one sits exactly where, and is exactly as tall as, the master's box it replaces (else the
flow below would move, and the letter is laid out in full): so a reused letter is the same
bytes a full layout would give (tests/letters/test_reuse.py renders both and compares).

Why: laying out the appeal's text is about two thirds of a cover letter's time, and in a batch
of a thousand letters there are as many layouts as languages (``make bench ONLY=letters``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from weasyprint.document import Document, Page

# A data-vary element: its tag, then everything to the first closing tag of that name. An
# element holding another element of its own tag name is not split safely: no reuse.
_VARY = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bdata-vary\b[^>]*>(.*?)</\1\s*>", re.S)
MASTERS_KEPT = 8  # per thread: a batch has one layout per language and template set


@dataclass(frozen=True)
class Split:
    """A letter's HTML cut for reuse: ``key`` (the HTML without the varying content, equal for
    letters that can share a master) and ``head`` (the HTML up to the last varying element)."""

    key: str
    head: str


def split(html: str) -> Split | None:
    """The key and head of ``html``, or ``None`` when it has nothing marked to vary (or marks
    an element that cannot be cut out safely)."""
    found = list(_VARY.finditer(html))
    if not found:
        return None
    for match in found:
        if re.search(rf"<{match.group(1)}\b", match.group(2), re.I):
            return None  # nested same-name element: the first closing tag is not its own
    key = _VARY.sub(lambda m: m.group(0)[: m.start(2) - m.start(0)], html)
    return Split(key=key, head=html[: found[-1].end()] + "\n</body></html>")


def _body(page_box: Any) -> Any:
    """The ``<body>`` box of a laid-out page (page → html → body), or ``None``."""
    html = page_box.children[0] if page_box.children else None
    if html is None or getattr(html, "element_tag", None) != "html" or not html.children:
        return None
    body = html.children[0]
    return body if getattr(body, "element_tag", None) == "body" else None


def _fits(master: list[Any], head: list[Any]) -> bool:
    """Whether each head box stands exactly where its master box stands, at the same height."""
    if len(head) > len(master):
        return False
    return all(
        m.element_tag == h.element_tag
        and m.position_y == h.position_y
        and m.margin_height() == h.margin_height()
        for m, h in zip(master, head, strict=False)
    )


def combine(master: Document, head: Document) -> Document | None:
    """The master with its first page's leading body boxes taken from ``head`` (and the head's
    metadata), or ``None`` when they do not fit exactly (see the module's rule)."""
    if not master.pages or not head.pages:
        return None
    page_box = master.pages[0]._page_box  # WeasyPrint's layout tree is the point
    master_body, head_body = _body(page_box), _body(head.pages[0]._page_box)
    if master_body is None or head_body is None:
        return None
    swapped = list(head_body.children)
    if not _fits(list(master_body.children), swapped):
        return None
    body = master_body.copy_with_children(swapped + master_body.children[len(swapped) :])
    html = page_box.children[0].copy_with_children([body])
    first = Page(page_box.copy_with_children([html, *page_box.children[1:]]))
    document = master.copy([first, *master.pages[1:]])
    document.metadata = head.metadata
    return document


class Masters:
    """The master layouts of recent letter shapes, per thread (painting shares their boxes)."""

    def __init__(self, kept: int = MASTERS_KEPT) -> None:
        self._kept = kept
        self._local = threading.local()
        self.reused = 0  # letters laid out from a master (a figure for tests and benchmarks)

    def _cache(self) -> OrderedDict[str, Document]:
        cache: OrderedDict[str, Document] | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = OrderedDict()
        return cache

    def layout(self, html: str, lay_out: Callable[[str], Document]) -> Document:
        """The layout of ``html``: reused from a master when possible, else laid out in full
        (and kept as the master for letters of its shape)."""
        cut = split(html)
        if cut is None:
            return lay_out(html)
        cache = self._cache()
        master = cache.get(cut.key)
        if master is not None:
            cache.move_to_end(cut.key)
            reused = combine(master, lay_out(cut.head))
            if reused is not None:
                self.reused += 1
                return reused
            return lay_out(html)
        document = lay_out(html)
        cache[cut.key] = document
        while len(cache) > self._kept:
            cache.popitem(last=False)
        return document
