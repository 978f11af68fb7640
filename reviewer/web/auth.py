"""Who is signed in: the session cookie checked against the server-side session on every request.

A page without a valid session redirects to the sign-in page (with 登录已过期 when a session
cookie was there but has ended) and back to the page afterwards; a form post without the
session's CSRF token is refused (403). Scoping is the services': a 填报单位 account (or a unit's
API key) sees only its unit's reports, and everything else answers the same 404 as a missing id.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request

from reviewer.services.accounts import Principal
from reviewer.web import session as websession

WebUser = Principal  # the pages' name for who is signed in


class SignInRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str, expired: bool = False):
        super().__init__(next_url)
        self.next_url = next_url
        self.expired = expired


class WebNotFound(Exception):
    """A review or batch that does not exist, belongs to another tenant or unit: the same 404."""


class CsrfRefused(Exception):
    """A form post whose CSRF token is missing or wrong."""


class Forbidden(Exception):
    """A page of another role (a 填报单位 opening the admin page): answered as not found."""


def signin_url(next_url: str, expired: bool = False) -> str:
    return "/web/signin?next=" + quote(next_url, safe="") + ("&expired=1" if expired else "")


def _principal(request: Request) -> Principal | None:
    from reviewer.services.accounts import session_principal
    from reviewer.store.db import session_scope

    token = websession.read(request.cookies.get(websession.COOKIE))
    if token is None:
        return None
    with session_scope(request.app.state.engine) as s:
        return session_principal(s, token)


def current_user(request: Request) -> Principal:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    user = _principal(request)
    if user is None:
        raise SignInRequired(here, expired=websession.COOKIE in request.cookies)
    return user


def optional_user(request: Request) -> Principal | None:
    """For pages everyone may see (the 404 page keeps the navigation of whoever is signed in)."""
    return _principal(request)


def admin_user(request: Request) -> Principal:
    user = current_user(request)
    if not user.is_admin:
        raise Forbidden()
    return user


def staff_user(request: Request) -> Principal:
    """管理员 or 审核员 (or a tenant-wide API key): those who see every unit."""
    user = current_user(request)
    if not user.sees_all_units or user.role == "clerk":
        raise Forbidden()
    return user


def require_csrf(form, user: Principal) -> None:
    """``form``: the parsed form of the post (parsed by the caller, with its own limits)."""
    if not websession.csrf_ok(user.csrf, form.get("csrf_token")):
        raise CsrfRefused()
