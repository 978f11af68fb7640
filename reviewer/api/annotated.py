"""GET /v1/reviews/{id}/annotated?format=docx|html|pdf — the draft with its findings marked.

The stored draft is read again (ingest is deterministic, so block ids and spans
match the stored findings) and rendered: a .docx keeps the original with Word
comments added; other inputs get a generated .docx; html is self-contained; pdf (for a PDF
draft only) is the original PDF with a highlight and comment per finding.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])
_MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.get("/{review_id}/annotated",
            summary="下载带批注的报告（docx：Word 批注；html：可离线浏览的批注网页；pdf：PDF 原稿加高亮批注）",
            response_class=Response, responses={200: {"description": "带批注的报告", "content": {
                m.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()}}})
def annotated(review_id: str, format: str = Query("docx", pattern="^(docx|html|pdf)$"),
              tenant: TenantRef = Depends(current_tenant), session: Session = Depends(db_session)) -> Response:
    from pathlib import PurePath

    from reviewer.errors import InputError
    from reviewer.findings import Review
    from reviewer.ingest import read_bytes
    from reviewer.render import AnnotationUnavailable, annotated_bytes
    from reviewer.store.models import Blob, ReviewRow
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(session, tenant.id, review_id, tenant.unit_id)
    if sub is None:
        raise ApiError(404, "review.not_found", "未找到该审核", "review not found")
    row = session.get(ReviewRow, sub.id)
    if row is None:
        raise ApiError(409, "review.not_ready", f"审核尚未完成（当前状态：{sub.status}），请稍后再试",
                       f"review not finished yet (status {sub.status})")
    data = session.get(Blob, sub.blob_sha256).data
    try:
        doc = read_bytes(data, sub.filename)
    except InputError as exc:
        raise ApiError(409, exc.code, f"该草稿无法读取，没有可批注的文稿：{exc.message_zh}",
                       f"the draft could not be read: {exc.message_en}") from exc
    try:
        content = annotated_bytes(format, data, doc, Review.model_validate(row.review))
    except AnnotationUnavailable as exc:
        raise ApiError(409, "annotated.unavailable", AnnotationUnavailable.message_zh,
                       AnnotationUnavailable.message_en) from exc
    name = f"{PurePath(sub.filename).stem}.审核.{format}"
    return Response(content, media_type=_MEDIA[format],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
