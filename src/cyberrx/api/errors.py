"""One error shape for every failure: ``{"error": {"code": ..., "message": ..., "field": ...}}``.

Domain errors map to HTTP statuses here and nowhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyberrx.adapters.passwords import HashingBusy
from cyberrx.adapters.store import StoreUnavailable
from cyberrx.adapters.store.unit_of_work import unavailable
from cyberrx.app.authz import Forbidden, TooManyAttempts, Unauthenticated
from cyberrx.app.claims import PreconditionFailed
from cyberrx.errors import Conflict, CyberRxError, InvalidInput, NotFound

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


_STATUS_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 412: "precondition_failed", 415: "unsupported_media_type",
                 413: "payload_too_large", 422: "invalid_input", 428: "precondition_required",
                 429: "too_many_attempts", 500: "internal_error", 503: "unavailable"}
#: seconds a client is asked to wait when the database is not answering
RETRY_AFTER_UNAVAILABLE = 5

#: documented on every operation (app-level), so clients and schemathesis know the shape
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": name.replace("_", " ")}
    for code, name in _STATUS_CODES.items() if code in (400, 401, 403, 404, 409, 422)
}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status_code=status,
                        headers=headers)


def _status_of(exc: CyberRxError) -> tuple[int, str]:
    if isinstance(exc, StoreUnavailable | HashingBusy):
        return 503, "unavailable"
    if isinstance(exc, PreconditionFailed):
        return 412, "precondition_failed"
    if isinstance(exc, Unauthenticated):
        return 401, "unauthenticated"
    if isinstance(exc, TooManyAttempts):
        return 429, "too_many_attempts"
    if isinstance(exc, Forbidden):
        return 403, "forbidden"
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, Conflict):
        return 409, "conflict"
    if isinstance(exc, InvalidInput):
        return 422, "invalid_input"
    return 500, "internal_error"


def _field(loc: tuple[Any, ...]) -> str | None:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else ("." if out else "") + str(p)
    return out or None


def _unavailable(exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return error_response(503, "unavailable", "the service cannot reach its database just now: try again shortly",
                          headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)})


def install(app: FastAPI) -> None:
    @app.exception_handler(CyberRxError)
    async def _domain(_: Request, exc: CyberRxError) -> JSONResponse:
        status, code = _status_of(exc)
        if isinstance(exc, InvalidInput):
            message = exc.args[0] + (f" (allowed: {exc.allowed})" if exc.allowed else "")
            return error_response(status, code, message, exc.field)
        if status == 500:
            log.error("unexpected domain error: %s", exc)
            return error_response(500, code, "internal error")
        if isinstance(exc, HashingBusy):
            return error_response(503, "unavailable", str(exc),
                                  headers={"Retry-After": str(exc.retry_after_seconds)})
        if status == 503:
            return _unavailable(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(exc, TooManyAttempts):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return error_response(status, code, str(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"msg": "invalid request", "loc": ()}
        more = len(errors) - 1
        message = str(first.get("msg", "invalid request")) + (f" (and {more} more)" if more > 0 else "")
        field = _field(tuple(first.get("loc", ())))
        ctx = first.get("ctx")
        inner = ctx.get("path") if isinstance(ctx, dict) else None   # where inside a document (schemas.Document)
        if inner:
            field = f"{field}.{inner}" if field else str(inner)
        return error_response(422, "invalid_input", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        down = unavailable(exc)        # the database failed outside a unit of work
        if down is not None:
            return _unavailable(down)
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error")


__all__ = ["ERROR_RESPONSES", "ErrorBody", "error_response", "install"]
