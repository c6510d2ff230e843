"""An appeal body's Markdown as HTML (the PDF) and as plain paragraphs (the text email, the DOCX).

Rule: HTML typed into a body is shown as text, never interpreted; both forms come from the one
parser, so the PDF and the plain text say the same thing.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup

# html=False: any HTML typed into an appeal body is shown as text, never interpreted.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False})


@lru_cache(maxsize=64)  # every letter of a batch has one of a few bodies (one per language)
def body_html(markdown: str) -> Markup:
    """The body as HTML, safe to place in a template (the parser escaped any HTML in it)."""
    return Markup(_MARKDOWN.render(markdown))  # noqa: S704 - html disabled above


@cache
def plain_paragraphs(markdown: str) -> tuple[str, ...]:
    """The Markdown body as plain-text paragraphs, for the text email and the DOCX: a
    paragraph's source line breaks become spaces, emphasis marks go, a link keeps its address
    in brackets, a list item starts with "- " or its number."""
    paragraphs: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] (ordered) or [] (bullets)
    prefix = ""
    for token in _MARKDOWN.parse(markdown):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = token.attrGet("start")
            lists.append([int(start) if start else 1] if token.type[0] == "o" else [])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists:
            numbered = lists[-1]
            prefix = f"{numbered[0]}. " if numbered else "- "
            if numbered:
                numbered[0] += 1
        elif token.type == "inline":
            paragraphs.append(prefix + _inline_text(token.children or []))
            prefix = ""
    return tuple(paragraphs)


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    link: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "link_open":
            link.append(str(child.attrGet("href") or ""))
        elif child.type == "link_close" and link:
            href = link.pop()
            parts.append(f" ({href})" if href else "")
        elif child.type == "image":
            parts.append(child.content)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n"))
