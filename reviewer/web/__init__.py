"""The web UI for the people who review reports (sign in, review a draft, batches, history, the
roster board, the admin page).

``mount(app)`` adds the pages, their static files and the handlers that turn a missing or ended
session into a redirect to the sign-in page (登录已过期, then back), a foreign id or another role's
page into a 404 page, and an unknown address under /web/ into the same 404 page with the navigation
bar of whoever is signed in. Pages live in one module per area; none of them is in the OpenAPI
schema (docs/web.md documents them). Messages on pages are in Chinese only.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

NOT_FOUND = "没有找到这个页面：地址有误，或它不属于当前登录的账号。"


def mount(app: FastAPI) -> None:
    from reviewer.web import (admin_pages, batch_pages, board_pages, history_pages, profile_pages, reference_pages,
                              report_pages, review_pages,
                              signin_pages)
    from reviewer.web.auth import CsrfRefused, Forbidden, SignInRequired, WebNotFound, optional_user, signin_url
    from reviewer.web.responses import csrf_refused, page

    for module in (signin_pages, review_pages, batch_pages, history_pages, report_pages, board_pages, admin_pages,
                   profile_pages, reference_pages):
        app.include_router(module.router)
    app.mount("/web/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="web-static")

    async def _signin(request: Request, exc: SignInRequired):
        if request.url.path.endswith(".json"):  # a poll from a page whose session ran out
            return JSONResponse({"error": {"code": "auth.session", "message": "登录已过期，请重新登录"}},
                                status_code=401)
        back = exc.next_url if request.method == "GET" else (request.headers.get("referer") or "/web/")
        if back.startswith(str(request.base_url)):
            back = "/" + back[len(str(request.base_url)):]
        return RedirectResponse(signin_url(back, exc.expired), status_code=303)

    def not_found(request: Request):
        return page(request, "error.html", {"title": "未找到", "message": NOT_FOUND}, status=404,
                    user=optional_user(request))

    async def _not_found(request: Request, _exc: Exception):
        return not_found(request)

    async def _csrf(request: Request, _exc: CsrfRefused):
        return csrf_refused(request)

    app.add_exception_handler(SignInRequired, _signin)
    app.add_exception_handler(WebNotFound, _not_found)
    app.add_exception_handler(Forbidden, _not_found)
    app.add_exception_handler(CsrfRefused, _csrf)

    @app.api_route("/web/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def unknown_page(rest: str, request: Request):  # registered last: only what no page matched
        return not_found(request)
