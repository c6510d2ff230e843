"""Errors as HTTP answers: one status per kind of error, an HTML page or a JSON body.

Rule: the JSON API always answers ``{"error": {"code", "message", "field"?}}`` (and
``problems`` when an input had several), with the same status for the same error as a page
would get; pages show the message on an error page, or send an anonymous visitor to log in.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from errors import (
    AdvocacyError,
    Conflict,
    InputError,
    IntegrityRefused,
    NotFound,
    PayloadTooLarge,
    Unauthenticated,
    UnknownFormat,
)
from web.guard import Forbidden, LoginRequired
from web.rendering import Pages
from web.strings import t

# (status, code) for each error we raise on purpose; anything else is a bug (500).
STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (InputError, 422, "invalid"),
    (UnknownFormat, 422, "invalid"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (IntegrityRefused, 409, "integrity_refused"),
    (Unauthenticated, 401, "unauthenticated"),
    (PayloadTooLarge, 413, "too_large"),
    (LoginRequired, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one shape of every API error."""
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return {"error": {**error, **extra}}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _classify(exc: Exception) -> tuple[int, str]:
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    return 400, "bad_request"


def _message(exc: Exception) -> str:
    if isinstance(exc, LoginRequired):
        return "send a valid API token as 'Authorization: Bearer <token>'"
    if isinstance(exc, InputError):
        return "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    return str(exc)


def _json(exc: Exception) -> JSONResponse:
    status, code = _classify(exc)
    extra: dict[str, Any] = {}
    field = None
    if isinstance(exc, InputError) and exc.problems:
        field = exc.problems[0].field
        extra["problems"] = [{"field": p.field, "message": p.message} for p in exc.problems]
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, LoginRequired) else None
    return JSONResponse(error_body(code, _message(exc), field, **extra), status, headers=headers)


def _page(request: Request, status: int, message: str) -> Response:
    pages: Pages = request.app.state.pages
    return pages.render(request, "error.html.j2", me=None, status=status, message=message)


async def on_error(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return _json(exc)
    if isinstance(exc, LoginRequired):
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={target}", status_code=303)
    status, _ = _classify(exc)
    return _page(request, status, _message(exc))


async def on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("body", "query"))
    message = str(first.get("msg", "invalid request"))
    if _is_api(request):
        return JSONResponse(error_body("invalid", message, where or None), 422)
    return _page(request, 400, f"{where}: {message}" if where else message)


async def on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    if _is_api(request):
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code)
    return _page(request, exc.status_code, t("error.http", status=exc.status_code))


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    for kind in (AdvocacyError, LoginRequired, Forbidden):
        app.add_exception_handler(kind, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
