"""Every error is JSON ``{"error": {"code", "message"}}``, never an HTML page, never a bare 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from painguide.search import IndexUnreadable
from painguide.serve.release import NotBuilt, Unavailable
from painguide.serve.workers import Busy

log = logging.getLogger("painguide.serve")

_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 422: "invalid_request"}


def error(status: int, message: str, code: str | None = None) -> JSONResponse:
    """The one error shape (also used by the middleware that answers before routing)."""
    return JSONResponse(
        {"error": {"code": code or _CODES.get(status, "error"), "message": message}}, status_code=status
    )


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in {"query", "path"})
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, _describe(exc))

    @app.exception_handler(NotBuilt)
    async def not_built(_: Request, exc: NotBuilt) -> JSONResponse:
        return error(503, str(exc), "not_built")

    @app.exception_handler(Unavailable)
    async def unavailable(_: Request, exc: Unavailable) -> JSONResponse:
        return error(503, str(exc), "degraded")

    @app.exception_handler(IndexUnreadable)
    async def unreadable(_: Request, exc: IndexUnreadable) -> JSONResponse:
        log.error("search failed: %s", exc, exc_info=exc.__cause__)
        return error(503, str(exc), "degraded")

    @app.exception_handler(Busy)
    async def busy(_: Request, exc: Busy) -> JSONResponse:
        response = error(503, str(exc), "busy")
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(ClientDisconnect)
    async def gone(request: Request, _: ClientDisconnect) -> JSONResponse:
        # the client left, or the server cut a body that came too slowly (408, serve/server.py): nobody reads
        # this answer, and it is no server error (it logged two tracebacks per slow body)
        log.info("client gone during the request body of %s", request.url.path)
        return error(400, "the client disconnected", "client_disconnected")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return error(500, "internal error", "internal_error")
