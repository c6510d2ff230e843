"""The ASGI application: staff pages, the public page, the JSON API, static files.

Rule: ``create_app`` takes the ``bootstrap.Services`` it serves (the CLI builds them, tests pass
their own) and builds nothing else; every response carries security headers, and staff pages
are never cached (``no-store``) while public pages say their own cache policy. Errors, even
unexpected ones, answer in one shape (``web.failures``) with the same headers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import bootstrap
from web import api, failures
from web.pages import (
    admin,
    appeals,
    campaigns,
    handwork,
    home,
    outbox,
    pen,
    public,
    registry,
    reports,
    responses,
    review,
    threads,
)
from web.ratelimit import LoginLimiter
from web.rendering import Pages

STATIC = Path(__file__).resolve().parent / "static"
# Scripts, styles and frames only from this site; the PDF preview is an <object> of our own.
CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)
# Every router of the app; the access tests walk this table to check each route's guard.
PAGES = (
    home,
    campaigns,
    review,
    outbox,
    handwork,
    pen,
    responses,
    registry,
    reports,
    public,
    threads,
)
PAGES_19 = (admin, appeals)  # issue 19: staff administration, campaigns from an uploaded appeal
ROUTERS = (*(module.router for module in (*PAGES, *PAGES_19)), api.router)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(services: bootstrap.Services) -> FastAPI:
    """The app serving ``services``' database (it does not close them)."""
    app = FastAPI(
        title="Advocacy letters API",
        version="1",
        description="Campaigns, signatures (webhook), deliveries and responses. "
        "Authenticate with 'Authorization: Bearer <token>' (advocacy users token EMAIL).",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    settings = services.settings
    app.state.services = services
    app.state.pages = Pages()
    app.state.limiter = LoginLimiter(
        services.clock,
        attempts=settings.login_attempts,
        window=timedelta(seconds=settings.login_window_seconds),
        max_delay=timedelta(seconds=settings.login_max_delay_seconds),
    )
    for router in ROUTERS:
        app.include_router(router, include_in_schema=router is api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.middleware("http")(_security_headers)
    failures.install(app, headers=HEADERS)
    if settings.trusted_proxies.strip():
        # Only these proxies may say who the client is (X-Forwarded-For); anyone else could
        # rotate the header to escape the per-client login delays.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
