"""ASGI middleware of the service, outermost first: request logging with a request id, security headers, and a
limit on the request body.

- **Request id and log**: every request gets an id (the caller's ``X-Request-ID`` when it is a short token, else
  a new one), sent back in ``X-Request-ID`` and written on one log line (logger ``cyberrx.access``) with the
  method, the path (never the query string, which may carry a secret), the status, the time taken and the
  client address. Headers and bodies are never logged (they carry passwords and tokens).
- **Security headers** on every answer: a Content-Security-Policy that allows only this origin's scripts, styles,
  images and fonts (the web pages' htmx and Vega are vendored; Vega compiles its expressions without ``eval``
  only with its interpreter, so ``'unsafe-eval'`` is allowed for scripts; the web pages send their own, and
  Swagger UI at ``/docs`` needs its inline start-up script), ``frame-ancestors 'none'``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``, ``X-Frame-Options: DENY``, and
  ``Strict-Transport-Security`` when the request came over TLS (directly or, behind a trusted proxy, by
  ``X-Forwarded-Proto``; uvicorn's ``--proxy-headers`` sets the scheme).
- **Body limit**: a body larger than ``max_bytes`` is refused with 413: by its ``Content-Length`` before it is
  read, or, without one, as soon as the bytes received pass the limit (the body is read here, at most
  ``max_bytes``, and handed on whole).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any

log = logging.getLogger("cyberrx.access")

Scope = dict[str, Any]
Receive = Any
Send = Any
ASGIApp = Any

CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
#: Swagger UI at /docs starts itself with an inline script (FastAPI's page; it shows no user data)
CSP_DOCS = CSP.replace("script-src 'self' 'unsafe-eval'", "script-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin")]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _json(status: int, code: str, message: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = json.dumps({"error": {"code": code, "message": message, "field": None}}).encode()
    return [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())], body


class BodyLimit:
    """Refuse (413) a request body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        size = f"{self.max_bytes / 2**20:g} MB" if self.max_bytes >= 2**20 else f"{self.max_bytes:,} bytes"
        return f"the request body is larger than the {size} allowed"

    async def _refuse(self, send: Send) -> None:
        headers, body = _json(413, "payload_too_large", self._message())
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await self._refuse(send)
                    return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        # read the body here (at most max_bytes + one chunk), then hand it on whole
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _replay(messages: list[Any], receive: Receive) -> Receive:
    async def replayed() -> Any:
        if messages:
            return messages.pop(0)
        return await receive()

    return replayed


class SecurityHeaders:
    """Add the security headers (HSTS only over TLS) to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"
        docs = scope.get("path") == "/docs"

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in present]
                if docs:
                    extra = [(k, CSP_DOCS.encode()) if k == b"content-security-policy" else (k, v) for k, v in extra]
                if tls:
                    extra.append(HSTS)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestLog:
    """Give each request an id (``X-Request-ID``) and log one line when it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.match(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        start = time.perf_counter()
        status = [500]

        async def logged(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, logged)
        finally:
            client = scope.get("client") or ("-", 0)
            log.info("%s %s %s %d %.1fms %s", request_id, scope.get("method", "-"), scope.get("path", "-"),
                     status[0], (time.perf_counter() - start) * 1000, client[0],
                     extra={"request_id": request_id, "status": status[0], "path": scope.get("path")})


__all__ = ["CSP", "BodyLimit", "RequestLog", "SecurityHeaders"]
