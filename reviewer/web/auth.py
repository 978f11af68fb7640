"""Who is signed in: the session cookie checked against the store on every request.

A page without a valid session redirects to the sign-in page; a form post
without the session's CSRF token is refused (403). Tenant isolation is the API's:
every lookup goes through the same ``get_for_tenant`` / ``get_batch`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from sqlalchemy import select

from reviewer.web import session as websession


class SignInRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


class WebNotFound(Exception):
    """A review or batch that does not exist or belongs to another tenant: the same 404."""


class CsrfRefused(Exception):
    """A form post whose CSRF token is missing or wrong."""


@dataclass(frozen=True)
class WebUser:
    tenant_id: int
    tenant_name: str
    csrf: str


def signin_url(next_url: str) -> str:
    return "/web/signin?next=" + quote(next_url, safe="")


def current_user(request: Request) -> WebUser:
    from reviewer.store.db import session_scope
    from reviewer.store.models import ApiKey, Tenant

    ws = websession.read(request.cookies.get(websession.COOKIE))
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if ws is None:
        raise SignInRequired(here)
    with session_scope(request.app.state.engine) as s:
        row = s.execute(select(Tenant.id, Tenant.name).join(ApiKey, ApiKey.tenant_id == Tenant.id).where(
            ApiKey.key_hash == ws.key_hash, ApiKey.revoked_at.is_(None), Tenant.id == ws.tenant_id)).first()
    if row is None:  # the key was revoked since sign-in
        raise SignInRequired(here)
    return WebUser(row[0], row[1], ws.csrf)


def require_csrf(form, user: WebUser) -> None:
    """``form``: the parsed form of the post (parsed by the caller, with its own limits)."""
    token = form.get("csrf_token")
    if not isinstance(token, str) or not websession.csrf_ok(websession.WebSession(user.tenant_id, "", user.csrf),
                                                              token):
        raise CsrfRefused()
