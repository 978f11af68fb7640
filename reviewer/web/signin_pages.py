"""Sign in (username and password, or an integrator's API key), sign out, change the password;
``/`` leads to the web pages. Sessions are rows on the server (reviewer.services.accounts)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reviewer.store.db import session_scope
from reviewer.web import session as websession
from reviewer.web.auth import WebUser, current_user, require_csrf
from reviewer.web.forms import form_text
from reviewer.web.responses import csrf_refused, page

router = APIRouter(include_in_schema=False)


def _safe_next(url: str | None) -> str:
    return url if url and url.startswith("/web/") and not url.startswith("//") and "\\" not in url else "/web/"


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/web/", status_code=303)


def _signin_page(request: Request, next_url: str, error: str | None, notice: str | None = None,
                 status: int = 200, username: str = "") -> HTMLResponse:
    cookie, token = websession.signin_token()
    resp = page(request, "signin.html", {"next": next_url, "signin_token": token, "error": error,
                                         "notice": notice, "username": username}, status=status)
    resp.set_cookie(websession.SIGNIN_COOKIE, cookie, max_age=3600, **websession.cookie_flags(request.url.scheme))
    return resp


@router.get("/web/signin")
def signin_form(request: Request, next: str = "/web/", expired: str = "") -> HTMLResponse:  # noqa: A002
    notice = "登录已过期，请重新登录；登录后回到刚才的页面。" if expired else None
    return _signin_page(request, _safe_next(next), None, notice)


@router.post("/web/signin")
async def signin(request: Request) -> Response:
    from reviewer.services.accounts import AccountError, authenticate, open_session
    from reviewer.store.tenants import find_key_for_signin

    form = await request.form(max_files=0, max_fields=10)
    next_url = _safe_next(form.get("next") if isinstance(form.get("next"), str) else None)
    if not websession.signin_token_ok(request.cookies.get(websession.SIGNIN_COOKIE), form.get("csrf_token")):
        return csrf_refused(request)
    username, password, key = form_text(form, "username"), form.get("password"), form_text(form, "api_key")
    password = password if isinstance(password, str) else ""
    ip, hours = client_ip(request), websession.web_settings().session_hours

    def sign_in() -> str:
        from reviewer.services.accounts import audit

        with session_scope(request.app.state.engine) as s:
            if username or not key:
                try:
                    user = authenticate(s, username, password, ip)
                except AccountError:
                    s.commit()  # the failure and the lock count are kept
                    raise
                return open_session(s, user.tenant_id, hours, user_id=user.id)
            found = find_key_for_signin(s, key)
            if found is None:
                audit(s, None, "apikey", "signin.failed", ip=ip)
                s.commit()
                raise AccountError("auth.invalid", "API 密钥无效或已吊销，请检查后重试", "invalid or revoked API key")
            audit(s, found.tenant_id, "apikey:" + found.prefix, "signin.ok", ip=ip)
            return open_session(s, found.tenant_id, hours, api_key_id=found.id)

    try:
        token = await run_in_threadpool(sign_in)
    except AccountError as exc:
        status = 429 if exc.code in ("auth.throttled", "auth.locked") else 401
        return _signin_page(request, next_url, exc.message_zh, status=status, username=username)
    resp = RedirectResponse(next_url, status_code=303)
    resp.set_cookie(websession.COOKIE, websession.issue(token), max_age=websession.max_age(),
                    **websession.cookie_flags(request.url.scheme))
    resp.delete_cookie(websession.SIGNIN_COOKIE, path="/")
    return resp


@router.post("/web/signout")
async def signout(request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.services.accounts import audit, revoke_sessions

    require_csrf(await request.form(max_files=0, max_fields=5), user)

    def end() -> None:
        with session_scope(request.app.state.engine) as s:
            revoke_sessions(s, session_id=user.session_id)  # a copied cookie is worthless from now on
            audit(s, user.tenant_id, user.name, "signout", ip=client_ip(request))

    await run_in_threadpool(end)
    resp = RedirectResponse("/web/signin", status_code=303)
    resp.delete_cookie(websession.COOKIE, path="/")
    return resp


@router.get("/web/session.json")
def session_state(user: WebUser = Depends(current_user)) -> JSONResponse:
    """For the pages' scripts: is the session alive, and its CSRF token (a 401 says 登录已过期)."""
    return JSONResponse({"csrf": user.csrf}, headers={"Cache-Control": "no-store"})


@router.get("/web/signed-in")
def signed_in(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    """Where a sign-in opened from an expired form lands: the form is still in the other tab."""
    return page(request, "error.html", {"title": "已重新登录", "message":
                "已重新登录。请关闭本页，回到原来的页面再点提交：您选择的文件和填写的内容仍在那里。"}, user=user)


@router.get("/web/account")
def account_page(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    return page(request, "account.html", {"error": None, "done": request.query_params.get("changed") == "1"},
                user=user)


@router.post("/web/account/password")
async def change_password(request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.services.accounts import AccountError
    from reviewer.services.accounts import change_password as change

    form = await request.form(max_files=0, max_fields=10)
    require_csrf(form, user)
    if user.user_id is None:
        return page(request, "account.html", {"error": "用 API 密钥登录时没有密码可改", "done": False},
                    status=400, user=user)
    old, new, again = (form.get(k) if isinstance(form.get(k), str) else "" for k in ("old", "new", "again"))
    if new != again:
        return page(request, "account.html", {"error": "两次输入的新密码不一致", "done": False}, status=422, user=user)

    def run() -> str:
        from reviewer.services.accounts import open_session

        with session_scope(request.app.state.engine) as s:
            change(s, user.user_id, old, new, client_ip(request))  # ends every session of the account
            return open_session(s, user.tenant_id, websession.web_settings().session_hours, user_id=user.user_id)

    try:
        token = await run_in_threadpool(run)
    except AccountError as exc:
        return page(request, "account.html", {"error": exc.message_zh, "done": False}, status=422, user=user)
    resp = RedirectResponse("/web/account?changed=1", status_code=303)  # this browser goes on in a new session
    resp.set_cookie(websession.COOKIE, websession.issue(token), max_age=websession.max_age(),
                    **websession.cookie_flags(request.url.scheme))
    return resp
