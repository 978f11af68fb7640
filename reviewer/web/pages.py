"""The web pages (server-rendered, Chinese first) under /web/.

Sign in with an API key; review one draft; follow a batch; history; rule pages.
Every form carries the session's CSRF token; every lookup is the API's tenant-scoped
one. Routes stay out of the OpenAPI schema (they are documented in docs/web.md).
"""

from __future__ import annotations

from pathlib import Path, PurePath
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.api.errors import ApiError
from reviewer.store.db import session_scope
from reviewer.web import session as websession
from reviewer.web import views
from reviewer.web.auth import WebNotFound, WebUser, current_user, require_csrf

router = APIRouter(include_in_schema=False)
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
          "csv": "text/csv; charset=utf-8"}


def page(request: Request, name: str, context: dict, status: int = 200, user: WebUser | None = None) -> HTMLResponse:
    ctx = {"user": user, "csrf": user.csrf if user else None, **context}
    return templates.TemplateResponse(request, name, ctx, status_code=status, headers=_SECURITY)


def _attachment(content: bytes | str, fmt: str, name: str) -> Response:
    return Response(content, media_type=_MEDIA[fmt], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


def _safe_next(url: str | None) -> str:
    return url if url and url.startswith("/web/") and not url.startswith("//") else "/web/"


# --- sign in / out -----------------------------------------------------------------------------

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
        return _csrf_refused(request)
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


def _csrf_refused(request: Request) -> HTMLResponse:
    return page(request, "error.html", {"title": "请求被拒绝", "message":
                "表单已过期或来源不明（缺少有效的 CSRF 令牌），请返回页面刷新后重新提交。"
                "（Form expired or missing its CSRF token: reload the page and submit again.）"}, status=403)


# --- one draft -----------------------------------------------------------------------------------

@router.get("/web/")
def new_review(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    return page(request, "new_review.html", {"error": None, "values": {}}, user=user)


def _form_text(form, name: str) -> str:
    v = form.get(name)
    return v.strip() if isinstance(v, str) else ""


async def _read_body(request: Request, cap: int) -> None:
    from reviewer.api.uploads import _read_capped

    await _read_capped(request, cap, cap)


@router.post("/web/reviews")
async def create_review(request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.api.batches import parse_deadline
    from reviewer.api.uploads import _flag, check_draft

    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    values: dict = {}
    try:
        await _read_body(request, limit + 64 * 1024)
        form = await request.form(max_files=1, max_fields=20)
        require_csrf(form, user)
        values = {k: _form_text(form, k) for k in ("text", "deadline", "callback_url")}
        part = form.get("file")
        if isinstance(part, UploadFile) and part.filename:
            data, filename = await part.read(), part.filename
        elif values["text"]:
            data, filename = values["text"].encode("utf-8"), "粘贴的正文.txt"
        else:
            raise ApiError(422, "request.missing_file", "请选择或拖入报告文件，或粘贴报告正文",
                           "choose a file or paste the text")
        check_draft(data, filename, limit)
        deadline = parse_deadline(values["deadline"] or None)
        callback = values["callback_url"] or None
        if callback:
            from reviewer.api.reviews import _check_callback

            await run_in_threadpool(_check_callback, callback, settings.webhook_allowlist)
    except ApiError as exc:
        return page(request, "new_review.html", {"error": exc.message_zh, "values": values},
                    status=exc.status, user=user)
    options = {"use_llm": _flag(form.get("use_llm")) if form.get("use_llm") else None}
    if deadline:  # recorded and shown; a single draft is already first in the queue
        options["deadline"] = deadline.isoformat() + "Z"

    def store() -> str:
        from reviewer.store.submissions import create_submission

        with session_scope(request.app.state.engine) as s:
            sub, _ = create_submission(s, user.tenant_id, data, filename[:500], options, callback, None)
            return sub.id

    review_id = await run_in_threadpool(store)
    from workers.celery_app import enqueue_review

    await run_in_threadpool(enqueue_review, review_id)  # stored first: never lost if the broker is down
    return RedirectResponse(f"/web/reviews/{review_id}", status_code=303)


def _submission(s, user: WebUser, review_id: str):
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(s, user.tenant_id, review_id)
    if sub is None:
        raise WebNotFound()
    return sub


@router.get("/web/reviews/{review_id}")
def review_page(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    from reviewer.store.models import Blob, ReviewRow

    with session_scope(request.app.state.engine) as s:
        sub = _submission(s, user, review_id)
        row = s.get(ReviewRow, sub.id)
        ctx = {"sub": {"id": sub.id, "filename": sub.filename, "status": sub.status,
                       "status_zh": views.STATUS_ZH.get(sub.status, sub.status),
                       "created": views.beijing(sub.created_at), "finished": views.beijing(sub.finished_at),
                       "deadline": views.deadline_of(sub.options), "callback_url": sub.callback_url,
                       "error": sub.error}}
        if row is None:
            return page(request, "review_wait.html", ctx, user=user)
        review = row.review
        data = s.get(Blob, sub.blob_sha256).data
        ctx.update(review=review, counts=row.counts, panel=views.findings_panel(review),
                   readable=row.status == "ok",
                   pdf=views.input_was_pdf(sub.filename, data) and views.pdf_renderer_available())
    return page(request, "review.html", ctx, user=user)


@router.get("/web/reviews/{review_id}/status.json")
def review_status(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> JSONResponse:
    with session_scope(request.app.state.engine) as s:
        return JSONResponse(views.review_status(s, _submission(s, user, review_id)),
                            headers={"Cache-Control": "no-store"})


def _annotated(request: Request, user: WebUser, review_id: str, fmt: str) -> tuple[bytes, str]:
    from reviewer.errors import InputError
    from reviewer.findings import Review
    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes
    from reviewer.store.models import Blob, ReviewRow

    with session_scope(request.app.state.engine) as s:
        sub = _submission(s, user, review_id)
        row = s.get(ReviewRow, sub.id)
        if row is None:
            raise WebNotFound()
        data, filename, review = s.get(Blob, sub.blob_sha256).data, sub.filename, row.review
    try:
        doc = read_bytes(data, filename)
    except InputError as exc:
        raise WebNotFound() from exc
    return annotated_bytes(fmt, data, doc, Review.model_validate(review)), filename


@router.get("/web/reviews/{review_id}/annotated.html")
def annotated_frame(review_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    """The annotated draft for the review page's frame: its own header and panel hidden (the page has them)."""
    content, _ = _annotated(request, user, review_id, "html")
    embed = "<style>body>header,#panel{display:none}#draft{max-width:none;margin:8px}</style></head>"
    html = content.decode("utf-8").replace("</head>", embed, 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": FRAMED_CSP, "X-Frame-Options": "SAMEORIGIN",
                                       "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/web/reviews/{review_id}/download/{fmt}")
def download(review_id: str, fmt: str, request: Request, user: WebUser = Depends(current_user)) -> Response:
    if fmt == "json":
        from reviewer.store.models import ReviewRow

        with session_scope(request.app.state.engine) as s:
            sub = _submission(s, user, review_id)
            row = s.get(ReviewRow, sub.id)
            if row is None:
                raise WebNotFound()
            import json

            body = json.dumps(row.review, ensure_ascii=False, indent=2)
            return _attachment(body.encode("utf-8"), "json", f"{PurePath(sub.filename).stem}.审核.json")
    if fmt not in ("docx", "html", "pdf") or (fmt == "pdf" and not views.pdf_renderer_available()):
        raise WebNotFound()
    content, filename = _annotated(request, user, review_id, fmt)
    return _attachment(content, fmt, f"{PurePath(filename).stem}.审核.{fmt}")


# --- batches -------------------------------------------------------------------------------------

@router.get("/web/batches/new")
def new_batch(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    return page(request, "new_batch.html", {"error": None, "values": {}}, user=user)


@router.post("/web/batches")
async def create_batch_page(request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.api.batches import MAX_BATCH_BYTES, MAX_FILES, _drafts, parse_deadline
    from reviewer.api.uploads import _flag

    settings = request.app.state.settings
    values: dict = {}
    try:
        await _read_body(request, MAX_BATCH_BYTES)
        form = await request.form(max_files=MAX_FILES, max_fields=20)
        require_csrf(form, user)
        values = {k: _form_text(form, k) for k in ("deadline", "callback_url")}
        uploads = [(p.filename, await p.read()) for p in form.getlist("files")
                   if isinstance(p, UploadFile) and p.filename]
        if not uploads:
            raise ApiError(422, "request.missing_file", "请选择或拖入一个 zip 压缩包或多个报告文件",
                           "choose a zip or several drafts")
        deadline = parse_deadline(values["deadline"] or None)
        callback = values["callback_url"] or None
        if callback:
            from reviewer.api.reviews import _check_callback

            await run_in_threadpool(_check_callback, callback, settings.webhook_allowlist)
        drafts = await run_in_threadpool(_drafts, uploads, settings.max_upload_bytes)
        if not drafts:
            raise ApiError(422, "batch.empty", "压缩包内没有可审核的报告（.docx/.txt/.html/.md）", "no drafts")
    except ApiError as exc:
        return page(request, "new_batch.html", {"error": exc.message_zh, "values": values},
                    status=exc.status, user=user)
    options = {"use_llm": _flag(form.get("use_llm")) if form.get("use_llm") else None}

    def store():
        from reviewer.store.batches import create_batch

        with session_scope(request.app.state.engine) as s:
            batch, queued = create_batch(s, user.tenant_id, drafts, callback, deadline, options)
            return batch.id, queued, batch.priority

    batch_id, queued, priority = await run_in_threadpool(store)
    from workers.batch_jobs import enqueue_items, maybe_complete

    await run_in_threadpool(enqueue_items, queued, priority)
    if not queued:
        await run_in_threadpool(maybe_complete, batch_id)
    return RedirectResponse(f"/web/batches/{batch_id}", status_code=303)


def _batch(s, user: WebUser, batch_id: str):
    from reviewer.store.batches import get_batch

    batch = get_batch(s, user.tenant_id, batch_id)
    if batch is None:
        raise WebNotFound()
    return batch


@router.get("/web/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    with session_scope(request.app.state.engine) as s:
        batch = _batch(s, user, batch_id)
        ctx = {"batch": views.batch_progress(s, batch), "rows": views.batch_table(s, batch),
               "created": views.beijing(batch.created_at), "deadline": views.beijing_deadline(batch.deadline),
               "crosscheck": views.crosscheck_lines(batch.crosscheck)}
    return page(request, "batch.html", ctx, user=user)


@router.get("/web/batches/{batch_id}/progress.json")
def batch_progress(batch_id: str, request: Request, user: WebUser = Depends(current_user)) -> JSONResponse:
    with session_scope(request.app.state.engine) as s:
        return JSONResponse(views.batch_progress(s, _batch(s, user, batch_id)), headers={"Cache-Control": "no-store"})


@router.get("/web/batches/{batch_id}/summary.{fmt}")
def batch_summary(batch_id: str, fmt: str, request: Request, user: WebUser = Depends(current_user)) -> Response:
    from reviewer.api.batches import _reviews
    from reviewer.render.summary import csv_text, xlsx_bytes

    if fmt not in ("xlsx", "csv"):
        raise WebNotFound()
    with session_scope(request.app.state.engine) as s:
        batch = _batch(s, user, batch_id)
        if batch.status != "done":
            return page(request, "error.html", {"title": "批次尚未完成", "message":
                        "全部报告审核完成后才能下载汇总，请稍候。"}, status=409, user=user)
        reviews = _reviews(s, batch)
    content = xlsx_bytes(reviews) if fmt == "xlsx" else csv_text(reviews)
    return _attachment(content, fmt, f"批次汇总-{batch_id[:8]}.{fmt}")


# --- history and rules ---------------------------------------------------------------------------

@router.get("/web/history")
def history(request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    with session_scope(request.app.state.engine) as s:
        ctx = views.history(s, user.tenant_id)
    return page(request, "history.html", ctx, user=user)


@router.get("/web/rules/{rule_id}")
def rule_page(rule_id: str, request: Request, user: WebUser = Depends(current_user)) -> HTMLResponse:
    from reviewer.web.rules import rule_entry

    entry = rule_entry(rule_id)
    if entry is None:
        raise WebNotFound()
    return page(request, "rule.html", {"rule": entry}, user=user)
