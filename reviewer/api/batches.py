"""/v1/batches: submit many drafts at once (a zip or several files), follow progress, get the summary.

Every draft becomes an ordinary submission (so ``/v1/reviews/{id}`` works for each);
the batch adds a deadline-derived queue priority, progress counts with an ETA,
cross-report checks when the last draft is done, its own webhook, and
XLSX/CSV/HTML summaries.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/batches", tags=["batches"])

_SUBMIT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "file": {"type": "string", "format": "binary", "description": "zip 压缩包（内含各报告；每个文件都成为一行：已审核、无法审核或已跳过）或单个报告（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "多个报告文件"},
        "callback_url": {"type": "string", "description": "全部审核完成后接收批次 webhook 的地址"},
        "deadline": {"type": "string", "description": "截止时间（ISO 8601；只写日期则为北京时间当日 24 时），越早越先审"},
        "use_llm": {"type": "boolean"},
    }}}}}}


async def _read_form(request: Request):
    from reviewer.api.uploads import cap_body
    from reviewer.services.batches import MAX_BATCH_BYTES, MAX_FILES

    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "multipart/form-data":
        raise ApiError(415, "input.unsupported_type", "请以 multipart/form-data 上传 zip 压缩包（file）或多个文件（files）",
                       "send multipart/form-data with a zip (file) or several files (files)")
    cap_body(request, MAX_BATCH_BYTES, MAX_BATCH_BYTES)  # the parts spool to disk, not to memory
    return await request.form(max_files=MAX_FILES, max_fields=20)


@router.post("", status_code=202, summary="批量提交报告（zip 或多个文件）", openapi_extra=_SUBMIT_BODY)
async def create(request: Request, tenant: TenantRef = Depends(current_tenant)) -> JSONResponse:
    from reviewer.api.ratelimit import check_submission_rate
    from reviewer.api.uploads import callback_text, check_draft, clean_name, flag_value
    from reviewer.services import batches as batch_flow
    from reviewer.services.submissions import check_callback

    settings = request.app.state.settings
    from reviewer.api.deps import tenant_wide

    tenant_wide(tenant)  # a unit's key submits its own report, not batches
    await run_in_threadpool(check_submission_rate, settings, tenant.id, 0)  # one token there? before the upload
    form = await _read_form(request)
    uploads = []
    for key in ("file", "files"):
        for part in form.getlist(key):
            if not isinstance(part, str):
                uploads.append((clean_name(part.filename or "draft"), part.file))  # spooled on disk
    if not uploads:
        raise ApiError(422, "request.missing_file", "请上传 zip 压缩包（file 字段）或多个报告文件（files 字段）",
                       "send a zip in field 'file' or drafts in field 'files'")
    callback = callback_text(form.get("callback_url") or None)
    if callback:
        await run_in_threadpool(check_callback, str(callback), settings.webhook_allowlist)
    deadline = batch_flow.parse_deadline(form.get("deadline") if isinstance(form.get("deadline"), str) else None)
    drafts = await run_in_threadpool(batch_flow.drafts, uploads, settings.max_upload_bytes, check_draft, clean_name)
    await run_in_threadpool(check_submission_rate, settings, tenant.id, len(drafts))  # issue 17: per file
    options = {"use_llm": flag_value(form.get("use_llm"))}
    batch = await run_in_threadpool(batch_flow.submit, request.app.state.engine, tenant.id, drafts,
                                    str(callback) if callback else None, deadline, options)
    body = _summary(batch)
    return JSONResponse(body, status_code=202, headers={"Location": body["links"]["self"]})


def _iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt else None


def _summary(batch) -> dict:
    return {"id": batch.id, "status": batch.status, "total": batch.total, "deadline": _iso(batch.deadline),
            "priority": batch.priority, "created_at": _iso(batch.created_at), "finished_at": _iso(batch.finished_at),
            "callback_url": batch.callback_url,
            "links": {"self": f"/v1/batches/{batch.id}", "summary": f"/v1/batches/{batch.id}/summary?format=xlsx",
                      "feedback": f"/v1/batches/{batch.id}/feedback.zip"}}


def _load(session: Session, tenant: TenantRef, batch_id: str):
    from reviewer.store.batches import get_batch

    batch = get_batch(session, tenant.id, batch_id) if tenant.unit_id is None else None  # batches: the office's
    if batch is None:
        raise ApiError(404, "batch.not_found", "未找到该批次", "batch not found")
    return batch


@router.get("/{batch_id}", summary="查询批次进度（排队/审核中/完成/失败数与预计剩余时间）")
def get(batch_id: str, tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session),
        items: bool = Query(True, description="是否列出每份报告")) -> dict:
    from reviewer.services.batches import progress

    batch = _load(session, tenant, batch_id)
    rows, counts, eta = progress(session, batch)
    out = _summary(batch)
    out.update(counts=counts, crosscheck=batch.crosscheck, eta_seconds=eta,
               webhook={"status": batch.webhook_status, "attempts": batch.webhook_attempts or []}
               if batch.callback_url else None)
    if items:
        out["items"] = rows
    return out


_MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@router.get("/{batch_id}/summary", summary="批次汇总（xlsx：报告/意见/规则三表；csv；html 概览）",
            response_class=Response, responses={200: {"description": "批次汇总文件", "content": {
                m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()}}})
def summary(batch_id: str, format: str = Query("xlsx", pattern="^(xlsx|csv|html)$"),
            tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> Response:
    from reviewer.render.summary import csv_text, overview_html, xlsx_bytes
    from reviewer.services.batches import batch_reviews, batch_rounds

    batch = _load(session, tenant, batch_id)
    if batch.status != "done":
        raise ApiError(409, "batch.not_ready", f"批次尚未完成（当前状态：{batch.status}），完成后可下载汇总",
                       f"batch not finished yet (status {batch.status})")
    reviews = batch_reviews(session, batch)
    rounds = batch_rounds(session, batch)  # each report's version, delta and decisions (issue 15)
    content = xlsx_bytes(reviews, rounds) if format == "xlsx" else csv_text(reviews, rounds=rounds) \
        if format == "csv" else overview_html(reviews)
    return Response(content, media_type=_MEDIA[format], headers={
        "Content-Disposition": f'attachment; filename="batch-{batch.id}.{format}"'})


_ZIP = "application/zip"


def package_response(content: bytes) -> Response:
    from urllib.parse import quote

    from reviewer.services.feedback import package_name

    return Response(content, media_type=_ZIP, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(package_name())}", "Cache-Control": "no-store"})


async def package_download(request: Request, build, ident: str | None = None) -> Response:
    """``build()`` once the worker has annotated every draft (waits up to REVIEWER_ANNOTATE_WAIT
    seconds), else 202 with Retry-After and how many are ready (issue 17: no draft parsed here)."""
    from reviewer.services.feedback import PackagePending, package_when_ready

    try:
        content = await package_when_ready(build, request.app.state.settings.annotate_wait)
    except PackagePending as exc:
        return JSONResponse({"id": ident, "status": "pending", "ready": exc.ready, "total": exc.total,
                             "message": f"{exc.message_zh}（{exc.message_en}）"},
                            status_code=202, headers=exc.headers)
    return package_response(content)


_PENDING = {202: {"description": "worker 正在生成各单位的批注稿：按 Retry-After 秒后重试",
                  "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                  "content": {"application/json": {"schema": {"type": "object"}}}}}


@router.get("/{batch_id}/feedback.zip",
            summary="反馈包：各单位带批注的报告（单位-年度-审核意见.docx/.pdf）与修改意见通知单（.docx）",
            response_class=Response,
            responses={200: {"description": "zip 压缩包", "content": {_ZIP: {"schema": {"type": "string",
                                                                                     "format": "binary"}}}},
                       **_PENDING})
async def feedback(batch_id: str, request: Request,
                   resubmit_by: str | None = Query(None, description="修改稿报送截止日期（YYYY-MM-DD），默认 7 天后"),
                   sender: str | None = Query(None, max_length=100, description="通知单落款，默认为本租户名称"),
                   tenant: TenantRef = Depends(current_tenant)) -> Response:
    from reviewer.api.deps import tenant_wide

    tenant_wide(tenant)  # the office's: a unit's key gets 404
    from reviewer.services.feedback import batch_package, resubmit_date

    due = resubmit_date(resubmit_by)
    return await package_download(request, lambda: batch_package(
        request.app.state.engine, tenant.id, batch_id, (sender or "").strip() or tenant.name, due), batch_id)