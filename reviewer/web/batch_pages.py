"""Batches: the upload form (a zip or many files), live progress, the reports table, summaries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope
from reviewer.web import views
from reviewer.web.auth import WebNotFound, WebUser, current_user, require_csrf, staff_user
from reviewer.web.forms import form_text, read_body
from reviewer.web.responses import attachment, page

router = APIRouter(include_in_schema=False)


@router.get("/web/batches/new")
def new_batch(request: Request, user: WebUser = Depends(staff_user)) -> HTMLResponse:
    return page(request, "new_batch.html", {"error": None, "values": {}}, user=user)


@router.post("/web/batches")
async def create_batch_page(request: Request, user: WebUser = Depends(staff_user)) -> Response:
    from reviewer.api.ratelimit import check_submission_rate
    from reviewer.api.uploads import callback_text, check_draft, clean_name, flag_value
    from reviewer.services import batches as batch_flow
    from reviewer.services.batches import MAX_BATCH_BYTES, MAX_FILES
    from reviewer.services.submissions import check_callback

    settings = request.app.state.settings
    values: dict = {}
    try:
        await run_in_threadpool(check_submission_rate, settings, user.tenant_id, 0)  # a token there? (issue 11)
        await read_body(request, MAX_BATCH_BYTES)
        form = await request.form(max_files=MAX_FILES, max_fields=20)
        require_csrf(form, user)
        values = {k: form_text(form, k) for k in ("deadline", "callback_url")}
        uploads = [(clean_name(p.filename), p.file) for p in form.getlist("files")  # spooled on disk
                   if isinstance(p, UploadFile) and p.filename]
        if not uploads:
            raise ServiceError(422, "request.missing_file", "请选择或拖入一个 zip 压缩包或多个报告文件",
                           "choose a zip or several drafts")
        deadline = batch_flow.parse_deadline(values["deadline"] or None)
        callback = callback_text(values["callback_url"] or None) if user.technical else None
        if callback:
            await run_in_threadpool(check_callback, callback, settings.webhook_allowlist)
        drafts = await run_in_threadpool(batch_flow.drafts, uploads, settings.max_upload_bytes, check_draft,
                                         clean_name)
        await run_in_threadpool(check_submission_rate, settings, user.tenant_id, len(drafts))  # per file (issue 17)
    except ServiceError as exc:
        return page(request, "new_batch.html", {"error": exc.message_zh, "values": values},
                    status=exc.status, user=user)
    options = {"use_llm": flag_value(form.get("use_llm")) if form.get("use_llm") else None}
    batch = await run_in_threadpool(batch_flow.submit, request.app.state.engine, user.tenant_id, drafts, callback,
                                    deadline, options)
    return RedirectResponse(f"/web/batches/{batch.id}", status_code=303)


def _batch(s, user: WebUser, batch_id: str):
    from reviewer.store.batches import get_batch

    batch = get_batch(s, user.tenant_id, batch_id) if user.sees_all_units else None  # batches: the office's
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
    from reviewer.render.summary import csv_text, xlsx_bytes
    from reviewer.services.batches import batch_reviews, batch_rounds

    if fmt not in ("xlsx", "csv"):
        raise WebNotFound()
    with session_scope(request.app.state.engine) as s:
        batch = _batch(s, user, batch_id)
        if batch.status != "done":
            return page(request, "error.html", {"title": "批次尚未完成", "message":
                        "全部报告审核完成后才能下载汇总，请稍候。"}, status=409, user=user)
        reviews, rounds = batch_reviews(s, batch), batch_rounds(s, batch)
    content = xlsx_bytes(reviews, rounds) if fmt == "xlsx" else csv_text(reviews, rounds=rounds)
    return attachment(content, fmt, f"批次汇总-{batch_id[:8]}.{fmt}")



@router.get("/web/batches/{batch_id}/feedback.zip")
async def batch_feedback(batch_id: str, request: Request, user: WebUser = Depends(staff_user)) -> Response:
    """The feedback package: every unit's annotated draft and the 修改意见通知单."""
    from reviewer.services.feedback import batch_package
    from reviewer.web.responses import feedback_download

    return await feedback_download(request, user, lambda resubmit_by: batch_package(
        request.app.state.engine, user.tenant_id, batch_id, user.tenant_name, resubmit_by))
