"""The browser's session: one signed cookie holding the CSRF token and, once signed in, the session token.

The cookie is ``<payload>.<signature>``: the payload is base64url JSON, the signature HMAC-SHA256 of it under the
settings' secret key (:meth:`cyberrx.config.Settings.resolved_secret_key`), so a changed cookie is ignored (the
visitor is signed out). It is HttpOnly, SameSite=Lax, ``Path=/``, and Secure when the request came over https (or
the ``cookie_secure`` setting says so).

Signing in stores the session token of :func:`cyberrx.app.accounts.login` (the same token the API takes as a
bearer token); every page checks it again with :func:`cyberrx.app.accounts.authenticate`, so an expired, revoked
or deactivated user's cookie stops working at once, and signing out revokes it.

The CSRF token is random per session (a new one at sign-in): every form carries it in a hidden field
(``csrf_token``) and htmx sends it as the ``X-CSRF-Token`` header; :func:`cyberrx.web.deps.csrf_protect` compares
it with the cookie's on every unsafe request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "cyberrx_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Session:
    """What the cookie holds: the CSRF token; when signed in, the session token (secret and id)."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None
    token_id: str | None = None
    issued: int = field(default_factory=lambda: int(time.time()))

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    def signed_in_as(self, token: str, token_id: str) -> Session:
        """A new session for a sign-in: a fresh CSRF token, so one seen before signing in is worth nothing."""
        return Session(token=token, token_id=token_id)

    def signed_out(self) -> Session:
        return Session()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: str, payload: str) -> str:
    return _b64(hmac.new(key.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest())


def encode(session: Session, key: str) -> str:
    body = {"c": session.csrf, "t": session.token, "i": session.token_id, "at": session.issued}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_signature(key, payload)}"


def decode(cookie: str | None, key: str, max_age_seconds: float) -> Session | None:
    """The session in a cookie, or None when it is missing, altered, malformed or older than ``max_age``."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, signature = cookie.split(".")
    if not hmac.compare_digest(signature, _signature(key, payload)):
        return None
    try:
        body: dict[str, Any] = json.loads(_unb64(payload))
        session = Session(csrf=str(body["c"]), token=body.get("t"), token_id=body.get("i"), issued=int(body["at"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    if time.time() - session.issued > max_age_seconds or not session.csrf:
        return None
    return session


class Sessions:
    """Reads the request's session once and writes the cookie when a route changed it."""

    def __init__(self, key: str, max_age_seconds: float, secure: bool | None) -> None:
        self._key = key
        self.max_age_seconds = max_age_seconds
        self._secure = secure

    def of(self, request: Request) -> Session:
        """The request's session (a new one, to be set on the answer, when it has none)."""
        current: Session | None = getattr(request.state, "web_session", None)
        if current is None:
            current = decode(request.cookies.get(COOKIE), self._key, self.max_age_seconds)
            if current is None:
                current = Session()
                request.state.web_session_changed = True
            request.state.web_session = current
        return current

    def set(self, request: Request, session: Session) -> None:
        request.state.web_session = session
        request.state.web_session_changed = True

    def secure(self, request: Request) -> bool:
        return self._secure if self._secure is not None else request.url.scheme == "https"

    def commit(self, request: Request, response: Response) -> None:
        """Set the cookie on ``response`` if the request's session is new or changed."""
        if not getattr(request.state, "web_session_changed", False):
            return
        session: Session = request.state.web_session
        response.set_cookie(COOKIE, encode(session, self._key), max_age=int(self.max_age_seconds), path="/",
                            httponly=True, samesite="lax", secure=self.secure(request))


__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "Session", "Sessions", "decode", "encode"]
