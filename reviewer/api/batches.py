"""/v1/batches: submit many drafts at once (a zip or several files), follow progress, get the summary.

Every draft becomes an ordinary submission (so ``/v1/reviews/{id}`` works for each);
the batch adds a deadline-derived queue priority, progress counts with an ETA,
cross-report checks when the last draft is done, its own webhook, and
XLSX/CSV/HTML summaries.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/batches", tags=["batches"])

MAX_BATCH_BYTES = 512 * 1024 * 1024  # one request: a zip of every department's report
MAX_FILES = 2000
CHINA = timezone(timedelta(hours=8))
_SUBMIT_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "file": {"type": "string", "format": "binary", "description": "zip 压缩包（内含各报告；每个文件都成为一行：已审核、无法审核或已跳过）或单个报告（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "description": "多个报告文件"},
        "callback_url": {"type": "string", "description": "全部审核完成后接收批次 webhook 的地址"},
        "deadline": {"type": "string", "description": "截止时间（ISO 8601；只写日期则为北京时间当日 24 时），越早越先审"},
        "use_llm": {"type": "boolean"},
    }}}}}}


def parse_deadline(text: str | None) -> datetime | None:
    """ISO date or datetime → naive UTC. A bare date means the end of that day in Beijing time."""
    if not text:
        return None
    try:
        if len(text.strip()) == 10:
            d = datetime.fromisoformat(text.strip()).replace(tzinfo=CHINA) + timedelta(days=1)
        else:
            d = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            if d.tzinfo is None:
                d = d.replace(tzinfo=CHINA)
        utc = d.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:  # OverflowError: 9999-12-31 + 1 day, 0001-01-01T00:00+14:00
        raise ApiError(422, "request.invalid_deadline", "deadline 须为 ISO 8601 日期或时间，如 2025-01-31",
                       "deadline must be an ISO 8601 date or datetime") from exc
    if not 1970 <= utc.year <= 9000:
        raise ApiError(422, "request.invalid_deadline", "deadline 超出合理范围（1970–9000 年）",
                       "deadline out of range (years 1970-9000)")
    return utc


def _is_batch_zip(name: str, data: bytes) -> bool:
    """A zip of drafts, as opposed to one .docx (also a zip) sent under some other name."""
    import io
    import zipfile

    if name.lower().endswith(".zip"):
        return True
    if data[:2] != b"PK" or name.lower().endswith(".docx"):
        return False
    try:
        return "word/document.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _drafts(uploads: list[tuple[str, bytes]], limit: int) -> list[tuple[str, bytes | None, dict | None]]:
    """Zips are opened safely (in memory, path/size checks); every draft gets the submit checks."""
    from reviewer.api.uploads import check_draft, clean_name
    from reviewer.batch.sources import is_draft_name, not_a_draft, read_zip
    from reviewer.errors import InputError

    out: list[tuple[str, bytes | None, dict | None]] = []
    for name, data in uploads:
        if _is_batch_zip(name, data):
            try:
                sources = read_zip(data)
            except InputError as exc:
                raise ApiError(422, exc.code, exc.message_zh, exc.message_en) from exc
            out.extend((clean_name(s.name), s.data,
                        {"code": s.error.code, "message": s.error.message} if s.error else None) for s in sources)
        elif not is_draft_name(name):  # an .xlsx or a picture among the files: a row that says so
            error = not_a_draft(name)
            out.append((name, None, {"code": error.code, "message": error.message}))
        else:
            out.append((name, data, None))
    checked = []
    for name, data, error in out:
        if error is None:
            try:
                check_draft(data, name, limit)
            except ApiError as exc:
                data, error = None, {"code": exc.code, "message": f"{exc.message_zh}（{exc.message_en}）"}
        checked.append((name, data, error))
    return checked


def check_not_empty(drafts) -> None:
    """Refuse an upload without a single file that could be a report (every row would say 已跳过)."""
    from reviewer.batch.sources import DRAFT_TYPES_ZH, NOT_A_DRAFT

    if not drafts or all(error and error["code"] == NOT_A_DRAFT for _, _, error in drafts):
        raise ApiError(422, "batch.empty", "上传的文件中没有报告：支持 " + "、".join(DRAFT_TYPES_ZH) + "，或它们的 zip 压缩包",
                       "no drafts in the upload")


async def _read_form(request: Request):
    from reviewer.api.uploads import _read_capped

    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "multipart/form-data":
        raise ApiError(415, "input.unsupported_type", "请以 multipart/form-data 上传 zip 压缩包（file）或多个文件（files）",
                       "send multipart/form-data with a zip (file) or several files (files)")
    await _read_capped(request, MAX_BATCH_BYTES, MAX_BATCH_BYTES)
    return await request.form(max_files=MAX_FILES, max_fields=20)


@router.post("", status_code=202, summary="批量提交报告（zip 或多个文件）", openapi_extra=_SUBMIT_BODY)
async def create(request: Request, tenant: TenantRef = Depends(current_tenant)) -> JSONResponse:
    from reviewer.api.reviews import _check_callback
    from reviewer.api.uploads import _flag, callback_text, clean_name

    settings = request.app.state.settings
    from reviewer.api.deps import tenant_wide
    from reviewer.api.ratelimit import check_submission_rate

    tenant_wide(tenant)  # a unit's key submits its own report, not batches
    await run_in_threadpool(check_submission_rate, settings, tenant.id)
    form = await _read_form(request)
    uploads = []
    for key in ("file", "files"):
        for part in form.getlist(key):
            if not isinstance(part, str):
                uploads.append((clean_name(part.filename or "draft"), await part.read()))
    if not uploads:
        raise ApiError(422, "request.missing_file", "请上传 zip 压缩包（file 字段）或多个报告文件（files 字段）",
                       "send a zip in field 'file' or drafts in field 'files'")
    callback = callback_text(form.get("callback_url") or None)
    if callback:
        await run_in_threadpool(_check_callback, str(callback), settings.webhook_allowlist)
    deadline = parse_deadline(form.get("deadline") if isinstance(form.get("deadline"), str) else None)
    drafts = await run_in_threadpool(_drafts, uploads, settings.max_upload_bytes)
    check_not_empty(drafts)
    options = {"use_llm": _flag(form.get("use_llm"))}
    body, queued, priority = await run_in_threadpool(_store, request.app.state.engine, tenant, drafts,
                                                     str(callback) if callback else None, deadline, options)
    from workers.batch_jobs import enqueue_items, maybe_complete

    await run_in_threadpool(enqueue_items, queued, priority)
    if not queued:  # every draft refused up front: the batch is complete already
        await run_in_threadpool(maybe_complete, body["id"])
    return JSONResponse(body, status_code=202, headers={"Location": body["links"]["self"]})


def _store(engine, tenant: TenantRef, drafts, callback, deadline, options):
    from reviewer.store.batches import create_batch
    from reviewer.store.db import session_scope

    with session_scope(engine) as s:
        batch, queued = create_batch(s, tenant.id, drafts, callback, deadline, options)
        return _summary(batch), queued, batch.priority


def _iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt else None


def _summary(batch) -> dict:
    return {"id": batch.id, "status": batch.status, "total": batch.total, "deadline": _iso(batch.deadline),
            "priority": batch.priority, "created_at": _iso(batch.created_at), "finished_at": _iso(batch.finished_at),
            "callback_url": batch.callback_url,
            "links": {"self": f"/v1/batches/{batch.id}", "summary": f"/v1/batches/{batch.id}/summary?format=xlsx"}}


def _load(session: Session, tenant: TenantRef, batch_id: str):
    from reviewer.store.batches import get_batch

    batch = get_batch(session, tenant.id, batch_id) if tenant.unit_id is None else None  # batches: the office's
    if batch is None:
        raise ApiError(404, "batch.not_found", "未找到该批次", "batch not found")
    return batch


def eta_seconds(total_items: int, finished: list[datetime], started: datetime) -> float | None:
    """Remaining items × the batch's own observed pace (time since creation per finished item)."""
    remaining = total_items - len(finished)
    if remaining <= 0:
        return 0.0
    if not finished:
        return None
    pace = (max(finished) - started).total_seconds() / len(finished)
    return round(remaining * pace, 1)


@router.get("/{batch_id}", summary="查询批次进度（排队/审核中/完成/失败数与预计剩余时间）")
def get(batch_id: str, tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session),
        items: bool = Query(True, description="是否列出每份报告")) -> dict:
    from reviewer.batch.rows import count_states, row
    from reviewer.store.batches import finished_times, item_rows

    batch = _load(session, tenant, batch_id)
    rows = [row(it) for it in item_rows(session, batch.id)]
    counts = count_states(rows)
    out = _summary(batch)
    finished = finished_times(session, batch.id)
    out.update(counts=counts, crosscheck=batch.crosscheck,
               eta_seconds=batch_eta(batch, counts, finished),
               webhook={"status": batch.webhook_status, "attempts": batch.webhook_attempts or []}
               if batch.callback_url else None)
    if items:
        out["items"] = rows
    return out


def batch_eta(batch, counts: dict[str, int], finished: list[datetime]) -> float | None:
    """Seconds left: the rows still queued or under review × the batch's own pace so far."""
    if batch.status != "running":
        return 0.0
    return eta_seconds(counts["queued"] + counts["running"] + len(finished), finished, batch.created_at)


def _reviews(session: Session, batch) -> list:
    from reviewer.findings import Review, ReviewError
    from reviewer.store.batches import items as batch_items
    from reviewer.store.models import ReviewRow

    out = []
    for it in batch_items(session, batch.id):
        row = session.get(ReviewRow, it.submission_id) if it.submission_id else None
        if row is not None:
            out.append(Review.model_validate(row.review))
        else:
            err = it.error or {"code": "batch.pending", "message": "尚未审核完成（not reviewed yet）"}
            out.append(Review(review_id=it.submission_id or "", source=it.filename, status="failed",
                              error=ReviewError(code=err["code"], message=err["message"])))
    return out


_MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


@router.get("/{batch_id}/summary", summary="批次汇总（xlsx：报告/意见/规则三表；csv；html 概览）",
            response_class=Response, responses={200: {"description": "批次汇总文件", "content": {
                m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()}}})
def summary(batch_id: str, format: str = Query("xlsx", pattern="^(xlsx|csv|html)$"),
            tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> Response:
    from reviewer.render.summary import csv_text, overview_html, xlsx_bytes

    batch = _load(session, tenant, batch_id)
    if batch.status != "done":
        raise ApiError(409, "batch.not_ready", f"批次尚未完成（当前状态：{batch.status}），完成后可下载汇总",
                       f"batch not finished yet (status {batch.status})")
    reviews = _reviews(session, batch)
    content = {"xlsx": xlsx_bytes, "csv": csv_text, "html": overview_html}[format](reviews)
    return Response(content, media_type=_MEDIA[format], headers={
        "Content-Disposition": f'attachment; filename="batch-{batch.id}.{format}"'})


_ZIP = "application/zip"


def resubmit_date(text: str | None):
    """``resubmit_by`` (YYYY-MM-DD) → date; None when absent."""
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ApiError(422, "request.invalid_date", "resubmit_by 须为日期，如 2025-01-25",
                       "resubmit_by must be a date such as 2025-01-25") from exc


def feedback_response(engine, tenant_id: int, batch_id: str, sender: str, resubmit_by) -> Response:
    """The batch's feedback package as a download; 404 / 409 as ApiError (pages turn them into theirs)."""
    from reviewer.services.feedback import NotFound, NotReady, batch_package

    try:
        content = batch_package(engine, tenant_id, batch_id, sender, resubmit_by)
    except NotFound as exc:
        raise ApiError(404, "batch.not_found", "未找到该批次", "batch not found") from exc
    except NotReady as exc:
        raise ApiError(409, "batch.not_ready", f"批次尚未完成（当前状态：{exc}），完成后可下载反馈包",
                       f"batch not finished yet (status {exc})") from exc
    return package_response(content)


def package_response(content: bytes) -> Response:
    from urllib.parse import quote

    from reviewer.services.feedback import package_name

    return Response(content, media_type=_ZIP, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(package_name())}", "Cache-Control": "no-store"})


@router.get("/{batch_id}/feedback.zip",
            summary="反馈包：各单位带批注的报告（单位-年度-审核意见.docx/.pdf）与修改意见通知单（.docx）",
            response_class=Response,
            responses={200: {"description": "zip 压缩包", "content": {_ZIP: {"schema": {"type": "string",
                                                                                     "format": "binary"}}}}})
def feedback(batch_id: str, request: Request,
             resubmit_by: str | None = Query(None, description="修改稿报送截止日期（YYYY-MM-DD），默认 7 天后"),
             sender: str | None = Query(None, max_length=100, description="通知单落款，默认为本租户名称"),
             tenant: TenantRef = Depends(current_tenant)) -> Response:
    from reviewer.api.deps import tenant_wide

    tenant_wide(tenant)  # the office's: a unit's key gets 404
    return feedback_response(request.app.state.engine, tenant.id, batch_id, (sender or "").strip() or tenant.name,
                             resubmit_date(resubmit_by))
