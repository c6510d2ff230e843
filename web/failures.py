"""Errors as HTTP answers: one status per kind of error, an HTML page or a JSON body.

Rule: the JSON API always answers ``{"error": {"code", "message", "field"?}}`` (and
``problems`` when an input had several), with the same status for the same error as a page
would get; pages show the message on an error page, or send an anonymous visitor to log in.
Unexpected failures too: a 500 in the same shape (logged with its traceback, never shown), a
busy database 503, an id too large for the database 404, all with the security headers.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError
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
from storage.db import DatabaseBusy, is_busy
from web.guard import Forbidden, LoginRequired
from web.rendering import Pages
from web.strings import t

# (status, code) for each error we raise on purpose; anything else is a bug (500).
STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (DatabaseBusy, 503, "busy"),
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


LOG = logging.getLogger("advocacy.web")
BUSY_RETRY_SECONDS = "5"


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
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, LoginRequired) else {}
    if isinstance(exc, DatabaseBusy):
        headers["Retry-After"] = BUSY_RETRY_SECONDS
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
    page = _page(request, status, _message(exc))
    if isinstance(exc, DatabaseBusy):
        page.headers["Retry-After"] = BUSY_RETRY_SECONDS
    return page


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


async def on_out_of_range(request: Request, exc: Exception) -> Response:
    """An id past what the database stores (SQLite: over 2**63) names nothing: 404."""
    message = "no such item: the id is out of range"
    if _is_api(request):
        return JSONResponse(error_body("not_found", message), 404)
    return _page(request, 404, message)


# The machine, not the request: the disk is full or read-only (ENOSPC, EDQUOT, EROFS).
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


async def on_os_error(request: Request, exc: Exception) -> Response:
    """A full or read-only disk is 503 with one clear sentence; any other OSError is a bug."""
    if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
        LOG.error("%s %s: the disk refused a write: %s", request.method, request.url.path, exc)
        message = "the server's disk is full or read-only; nothing was saved, try again later"
        if _is_api(request):
            return JSONResponse(error_body("storage_unavailable", message), 503)
        return _page(request, 503, message)
    return await on_unexpected(request, exc)


async def on_data(request: Request, exc: Exception) -> Response:
    """PostgreSQL's 'integer out of range' for an id is the same 404 as SQLite's overflow."""
    if "out of range" in str(getattr(exc, "orig", exc)):
        return await on_out_of_range(request, exc)
    return await on_unexpected(request, exc)


async def on_database(request: Request, exc: Exception) -> Response:
    """A locked SQLite outside ``BEGIN IMMEDIATE`` is busy (503); anything else is a bug."""
    if is_busy(exc):
        return await on_error(request, DatabaseBusy("the database is busy; try again shortly"))
    return await on_unexpected(request, exc)


def unexpected(request: Request, exc: Exception, headers: Mapping[str, str]) -> Response:
    """A bug: logged with its traceback, answered as a plain 500 in the one shape."""
    LOG.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    message = "something went wrong on our side; it has been logged"
    if _is_api(request):
        response: Response = JSONResponse(error_body("internal", message), 500)
    else:
        try:
            response = _page(request, 500, message)
        except Exception:  # the error page itself failed: still answer in plain words
            response = Response(message, 500, media_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def on_unexpected(request: Request, exc: Exception) -> Response:
    return unexpected(request, exc, request.app.state.security_headers)


def install(app: FastAPI, *, headers: Mapping[str, str]) -> None:
    """Register the handlers on the app. The 500 handler runs outside the middleware (it is
    Starlette's last resort), so it adds the security ``headers`` itself."""
    app.state.security_headers = dict(headers)
    for kind in (AdvocacyError, LoginRequired, Forbidden):
        app.add_exception_handler(kind, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(OverflowError, on_out_of_range)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(DataError, on_data)
    app.add_exception_handler(OSError, on_os_error)
    app.add_exception_handler(Exception, on_unexpected)
