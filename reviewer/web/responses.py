"""How the web pages answer: templates with the security headers, and file downloads."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from reviewer.web.auth import WebUser

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))

# Pages load only what this service serves; the annotated draft (inline CSS/JS of its own) is framed same-origin.
PAGE_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-src 'self'; "
            "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")
FRAMED_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
_SECURITY = {"Content-Security-Policy": PAGE_CSP, "X-Frame-Options": "SAMEORIGIN",
             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store"}
_MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "pdf": "application/pdf", "html": "text/html; charset=utf-8", "json": "application/json",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "csv": "text/csv; charset=utf-8", "zip": "application/zip"}


def page(request: Request, name: str, context: dict, status: int = 200, user: WebUser | None = None) -> HTMLResponse:
    ctx = {"user": user, "csrf": user.csrf if user else None, **context}
    return templates.TemplateResponse(request, name, ctx, status_code=status, headers=_SECURITY)


def attachment(content: bytes | str, fmt: str, name: str) -> Response:
    return Response(content, media_type=_MEDIA[fmt], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})



def csrf_refused(request: Request) -> HTMLResponse:
    return page(request, "error.html", {"title": "请求被拒绝", "message":
                "表单已过期或来源不明（缺少有效的安全令牌），请返回页面刷新后重新提交。"}, status=403)


PENDING_PAGE = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">'
                "<title>正在生成</title></head><body><p>{what}正在生成，请稍候，本页会自动刷新……</p></body></html>")


def pending_page(what: str = "带批注的文稿") -> HTMLResponse:
    """The worker is still producing what was asked: a page that asks again every 2 s (202)."""
    return HTMLResponse(PENDING_PAGE.format(what=what), status_code=202,
                        headers={"Retry-After": "2", "Cache-Control": "no-store"})


async def feedback_download(request: Request, user: WebUser, build) -> Response:
    """The feedback package (issue 16) as a download: ``build(resubmit_by)`` makes the zip once the
    worker has annotated every draft (else the auto-refreshing 正在生成 page); a refusal is the 404
    page (not the user's) or an error page saying why."""
    from reviewer.services.errors import ServiceError
    from reviewer.services.feedback import PackagePending, package_name, package_when_ready, resubmit_date
    from reviewer.web.auth import WebNotFound

    try:
        due = resubmit_date(request.query_params.get("resubmit_by"))
        content = await package_when_ready(lambda: build(due), request.app.state.settings.annotate_wait)
    except PackagePending as exc:
        return pending_page(f"反馈包（各单位的批注稿，已完成 {exc.ready}/{exc.total}）")
    except ServiceError as exc:
        if exc.status == 404:
            raise WebNotFound() from exc
        return page(request, "error.html", {"title": "无法生成反馈包", "message": exc.message_zh},
                    status=exc.status, user=user)
    return attachment(content, "zip", package_name())
