"""Server-rendered pages: one Jinja2 environment (autoescaped) and the helpers templates use.

Rule: every template is autoescaped and undefined names are errors, so a typo fails a test
instead of printing an empty cell; every word shown to staff comes from ``web.strings``.
Notices after an action travel as a catalogue key in the query string (``?notice=approved``),
never as text, so a link cannot make the page say something we did not write.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from timeutil import as_utc
from web.guard import Staff
from web.strings import has, t

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Staff pages show personal data and letters under review: no shared caches, no history copies.
PRIVATE = {"Cache-Control": "no-store"}


def _number(value: int | float | None) -> str:
    return "" if value is None else f"{value:,}"


def _when(value: datetime | None) -> str:
    return "" if value is None else f"{as_utc(value):%Y-%m-%d %H:%M} UTC"


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{as_utc(value):%Y-%m-%d}" if isinstance(value, datetime) else value.isoformat()


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.filters["num"] = _number
    env.filters["when"] = _when
    env.filters["day"] = _day
    return env


class Pages:
    """Renders a template with what every page needs: the user, the CSRF token, the notice."""

    def __init__(self) -> None:
        self.env = environment()

    def html(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def render(
        self,
        request: Request,
        name: str,
        *,
        me: Staff | None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        key = f"notice.{request.query_params.get('notice', '')}"
        count = request.query_params.get("n", "")
        notice = t(key, n=int(count) if count.isdigit() else 0) if has(key) else ""
        body = self.html(
            name, me=me, csrf=me.csrf if me else "", path=request.url.path, notice=notice, **context
        )
        return HTMLResponse(body, status_code=status, headers=headers or PRIVATE)


def see_other(path: str, **query: str | int) -> RedirectResponse:
    """After a successful action: back to a page (303, so a reload does not repeat it)."""
    params = urlencode({k: v for k, v in query.items() if v != ""})
    return RedirectResponse(f"{path}?{params}" if params else path, status_code=303)


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages
