"""The web UI for the people who review reports (sign in, review a draft, batches, history).

``mount(app)`` adds the pages, their static files and the handlers that turn a
missing session into a redirect to the sign-in page and a foreign id into a 404
page. Pages live in one module per area (signin_pages, review_pages, batch_pages,
history_pages); none of them is in the OpenAPI schema (docs/web.md documents them).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles


def mount(app: FastAPI) -> None:
    from reviewer.web import batch_pages, history_pages, profile_pages, review_pages, signin_pages
    from reviewer.web.auth import CsrfRefused, SignInRequired, WebNotFound, signin_url
    from reviewer.web.responses import csrf_refused, page

    for module in (signin_pages, review_pages, batch_pages, history_pages, profile_pages):
        app.include_router(module.router)
    app.mount("/web/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="web-static")

    async def _signin(request: Request, exc: SignInRequired):
        if request.url.path.endswith(".json"):  # a poll from a page whose session ran out
            return JSONResponse({"error": {"code": "auth.session", "message": "请重新登录（sign in again）"}},
                                status_code=401)
        return RedirectResponse(signin_url(exc.next_url if request.method == "GET" else "/web/"), status_code=303)

    async def _not_found(request: Request, _exc: WebNotFound):
        return page(request, "error.html", {"title": "未找到", "message":
                    "没有找到该审核或批次：地址有误，或它不属于当前登录的单位。（Not found.）"}, status=404)

    async def _csrf(request: Request, _exc: CsrfRefused):
        return csrf_refused(request)

    app.add_exception_handler(SignInRequired, _signin)
    app.add_exception_handler(WebNotFound, _not_found)
    app.add_exception_handler(CsrfRefused, _csrf)
