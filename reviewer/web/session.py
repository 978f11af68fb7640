"""The web session cookie: a signed, time-stamped random token.

The session itself is a row on the server (``reviewer.services.accounts``) keyed by the token's
SHA-256, with its account or API key and its CSRF token: signing out, a password change and key
revocation end it there, so a copied cookie stops working at once. The cookie is signed with
itsdangerous; the browser can read nothing from it (HttpOnly) and does not send it with
cross-site requests (SameSite=Lax).
"""

from __future__ import annotations

import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic_settings import BaseSettings, SettingsConfigDict

COOKIE = "reviewer_session"
SIGNIN_COOKIE = "reviewer_signin"  # CSRF token of the sign-in form itself (login CSRF)


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEWER_WEB_", extra="ignore")

    session_secret: str | None = None  # set it (same value) on every API process behind one address
    secret_file: str = "var/web-session-secret"  # used when session_secret is unset; created on first use
    session_hours: float = 8.0  # a working day; then sign in again
    cookie_secure: bool | None = None  # None: Secure exactly when the request came over https


@lru_cache(maxsize=1)
def web_settings() -> WebSettings:
    return WebSettings()


def _secret(ws: WebSettings) -> str:
    if ws.session_secret:
        return ws.session_secret
    path = Path(ws.secret_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: of several processes starting at once, one writes and all read the same
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(web_settings()), salt=salt)


def max_age() -> int:
    return int(web_settings().session_hours * 3600)


def issue(token: str) -> str:
    """The cookie for a session token (the token's hash is the server-side session row)."""
    return _serializer("reviewer.web.session").dumps({"s": token})


def read(cookie: str | None) -> str | None:
    """The session token in a cookie this service signed, or None."""
    if not cookie:
        return None
    try:
        data = _serializer("reviewer.web.session").loads(cookie, max_age=max_age())
        return str(data["s"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def signin_token() -> tuple[str, str]:
    """(cookie value, form token) for the sign-in form."""
    token = secrets.token_urlsafe(24)
    return _serializer("reviewer.web.signin").dumps(token), token


def signin_token_ok(cookie: str | None, form_token: str | None) -> bool:
    if not cookie or not form_token:
        return False
    try:
        token = _serializer("reviewer.web.signin").loads(cookie, max_age=3600)
    except BadSignature:
        return False
    return hmac.compare_digest(str(token), form_token)


def csrf_ok(expected: str, form_token: str | None) -> bool:
    return bool(expected) and bool(form_token) and hmac.compare_digest(expected, str(form_token))


def cookie_flags(request_scheme: str) -> dict:
    secure = web_settings().cookie_secure
    return {"httponly": True, "samesite": "lax", "path": "/",
            "secure": request_scheme == "https" if secure is None else secure}
