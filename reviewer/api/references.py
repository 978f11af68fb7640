"""/v1/units/{id}/references (issue 16): last year's published reports of a unit.

Every review of year N for the unit is then compared with its report of year N−1
(``continuity.carry_over``, ``continuity.in_force``, ``duplicate.narrative``). Tenant-wide: a key
scoped to one unit gets the same 404 as a missing route.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, current_tenant, db_session, tenant_wide
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/units", tags=["units"])

_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "该单位已发布的上一年度报告（.docx/.doc/.wps/.pdf/.rtf/.odt/.txt/.html/.md）"},
        "year": {"type": "integer", "description": "报告年度（不填则按报告标题读取）"}}}},
    "application/json": {"schema": {"type": "object", "required": ["review_id"], "properties": {
        "review_id": {"type": "string", "description": "把本服务中已审核（已通过）的一份报告标记为该单位已发布的报告"}}}},
}}}


def _office(tenant: TenantRef = Depends(current_tenant)) -> TenantRef:
    tenant_wide(tenant)
    return tenant


def _unit(session: Session, tenant: TenantRef, unit_id: int):
    from reviewer.services.units import get_unit

    unit = get_unit(session, tenant.id, unit_id) if 0 < unit_id < 2**31 else None
    if unit is None:
        raise ApiError(404, "unit.not_found", "未找到该单位", "unit not found")
    return unit


@router.get("/{unit_id}/references", summary="列出单位已发布的往年报告（跨年度检查的依据）")
def list_references(unit_id: int, tenant: TenantRef = Depends(_office), session: Session = Depends(db_session)) -> dict:
    from reviewer.services.references import reference_view
    from reviewer.store.references import references_of

    unit = _unit(session, tenant, unit_id)
    return {"unit_id": unit.id, "references": [reference_view(r) for r in references_of(session, tenant.id, unit.id)]}


@router.post("/{unit_id}/references", status_code=201, openapi_extra=_BODY,
             summary="上传单位已发布的上一年度报告，或把已审核的报告标记为已发布；此后该单位下一年度的每次审核都做跨年度检查")
async def add_reference(unit_id: int, request: Request, tenant: TenantRef = Depends(_office)) -> JSONResponse:
    from reviewer.api.uploads import read_capped, check_draft, clean_name
    from reviewer.services import references

    settings = request.app.state.settings
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    review_id = upload = year = None
    if ctype == "application/json":
        import json

        body = await read_capped(request, 64 * 1024, 64 * 1024)
        try:
            review_id = json.loads(body or b"{}").get("review_id")
        except (ValueError, AttributeError):
            review_id = None
        if not isinstance(review_id, str) or not review_id or len(review_id) > 64:
            raise ApiError(422, "request.invalid", "请给出 review_id", "review_id is required")
    elif ctype == "multipart/form-data":
        await read_capped(request, settings.max_upload_bytes + 64 * 1024, settings.max_upload_bytes)
        form = await request.form(max_files=1, max_fields=5)
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise ApiError(422, "request.missing_file", "请上传报告文件（字段 file）", "upload the report in field 'file'")
        upload = (clean_name(part.filename or "reference"), await part.read())
        check_draft(upload[1], upload[0], settings.max_upload_bytes)
        text = form.get("year")
        if isinstance(text, str) and text.strip():
            if not (text.strip().isdigit() and 2000 <= int(text) <= 2100):
                raise ApiError(422, "request.invalid", "year 应为 2000–2100 的年份", "year must be 2000-2100")
            year = int(text)
    else:
        raise ApiError(415, "input.unsupported_type", "请以 multipart/form-data 上传报告（file），或以 JSON 给出 review_id",
                       "send multipart/form-data with a file, or JSON with review_id")

    def store() -> dict:
        from reviewer.services.accounts import audit
        from reviewer.store.db import session_scope

        with session_scope(request.app.state.engine) as s:
            unit = _unit(s, tenant, unit_id)
            if review_id is not None:
                ref = references.mark_published(s, tenant.id, unit, review_id, by="apikey")
            else:
                ref = references.add_upload(s, tenant.id, unit, upload[1], upload[0], year, by="apikey")
            audit(s, tenant.id, "apikey", "reference.add", str(unit.id), detail={"year": ref.year, "source": ref.source})
            return references.reference_view(ref)

    return JSONResponse(await run_in_threadpool(store), status_code=201)
