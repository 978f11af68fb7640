"""Sign in with an API key, sign out; ``/`` leads to the web pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reviewer.store.db import session_scope
from reviewer.web import session as websession
from reviewer.web.auth import WebUser, current_user, require_csrf
from reviewer.web.responses import csrf_refused, page

router = APIRouter(include_in_schema=False)


def _safe_next(url: str | None) -> str:
    return url if url and url.startswith("/web/") and not url.startswith("//") else "/web/"


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/web/", status_code=303)


@router.get("/web/signin")
def signin_form(request: Request, next: str = "/web/") -> HTMLResponse:  # noqa: A002 (query name)
    cookie, token = websession.signin_token()
    resp = page(request, "signin.html", {"next": _safe_next(next), "signin_token": token, "error": None})
    resp.set_cookie(websession.SIGNIN_COOKIE, cookie, max_age=3600, **websession.cookie_flags(request.url.scheme))
    return resp


@router.post("/web/signin")
async def signin(request: Request) -> Response:
    from reviewer.store.tenants import hash_key, tenant_for_key

    form = await request.form(max_files=0, max_fields=10)
    next_url = _safe_next(form.get("next") if isinstance(form.get("next"), str) else None)
    if not websession.signin_token_ok(request.cookies.get(websession.SIGNIN_COOKIE), form.get("csrf_token")):
        return csrf_refused(request)
    key = str(form.get("api_key") or "").strip()

    def lookup():
        with session_scope(request.app.state.engine) as s:
            t = tenant_for_key(s, key) if key else None
            return (t.id, t.name) if t else None

    found = await run_in_threadpool(lookup)
    if found is None:
        cookie, token = websession.signin_token()
        resp = page(request, "signin.html", {"next": next_url, "signin_token": token,
                                             "error": "API 密钥无效或已吊销，请检查后重试（invalid or revoked API key）"},
                    status=401)
        resp.set_cookie(websession.SIGNIN_COOKIE, cookie, max_age=3600,
                        **websession.cookie_flags(request.url.scheme))
        return resp
    resp = RedirectResponse(next_url, status_code=303)
    resp.set_cookie(websession.COOKIE, websession.issue(found[0], hash_key(key)), max_age=websession.max_age(),
                    **websession.cookie_flags(request.url.scheme))
    resp.delete_cookie(websession.SIGNIN_COOKIE, path="/")
    return resp


@router.post("/web/signout")
async def signout(request: Request, user: WebUser = Depends(current_user)) -> Response:
    require_csrf(await request.form(max_files=0, max_fields=5), user)
    resp = RedirectResponse("/web/signin", status_code=303)
    resp.delete_cookie(websession.COOKIE, path="/")
    return resp

