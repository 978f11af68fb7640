"""GET /v1/reviews/{id}/annotated?format=docx|html|pdf — the draft with its findings marked.

The API never parses the draft (issue 17): the worker produces the annotated draft under its time
and memory limits and caches it in the store (reviewer.services.annotated). A draft the worker refused,
or a PDF asked of a draft that is not one, is answered at once (409); a cached output at once
(200); otherwise the request waits up to ``REVIEWER_ANNOTATE_WAIT`` seconds for the worker, then
answers 202 with ``Retry-After`` (ask again). A .docx draft keeps the original with Word comments
added; other inputs get a generated .docx; html is self-contained; pdf (for a PDF draft only) is
the original PDF with a highlight and comment per finding.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])
_MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
RETRY_AFTER_SECONDS = 2


@router.get("/{review_id}/annotated",
            summary="下载带批注的报告（docx：Word 批注；html：可离线浏览的批注网页；pdf：PDF 原稿加高亮批注）",
            response_class=Response, responses={
                200: {"description": "带批注的报告", "content": {
                    m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()}},
                202: {"description": "worker 正在生成批注文稿：按 Retry-After 秒后重试",
                      "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                      "content": {"application/json": {"schema": {"type": "object"}}}}})
async def annotated(review_id: str, request: Request, format: str = Query("docx", pattern="^(docx|html|pdf)$"),
                    tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> Response:
    from pathlib import PurePath

    from reviewer.store.submissions import get_for_tenant

    def owned():
        sub = get_for_tenant(session, tenant.id, review_id, tenant.unit_id)
        found = None if sub is None else (sub.id, sub.status, sub.filename)
        session.close()  # no connection held while waiting for the worker
        return found

    found = await run_in_threadpool(owned)
    if found is None:
        raise ApiError(404, "review.not_found", "未找到该审核", "review not found")
    sub_id, sub_status, filename = found
    from reviewer.services.annotated import wait_for_output

    outcome = await wait_for_output(request.app.state.engine, sub_id, format, request.app.state.settings.annotate_wait)
    if outcome.status == "not_ready":
        raise ApiError(409, "review.not_ready", f"审核尚未完成（当前状态：{sub_status}），请稍后再试",
                       f"review not finished yet (status {sub_status})")
    if outcome.status == "failed":
        raise ApiError(409, outcome.error["code"], outcome.error["message_zh"], outcome.error["message_en"])
    if outcome.status == "pending":
        return JSONResponse({"id": sub_id, "format": format, "status": "pending",
                             "message": "正在生成批注文稿，请稍后重试（the annotated draft is being produced; retry）"},
                            status_code=202, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    name = f"{PurePath(filename).stem}.审核.{format}"
    return Response(outcome.data, media_type=_MEDIA[format],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
