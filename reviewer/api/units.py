"""/v1/units and /v1/board (issue 16): the units that owe a report, and their status for a year.

Tenant-wide: a key scoped to one unit gets the same 404 as a missing route.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reviewer.api.deps import TenantRef, db_session, office_tenant
from reviewer.api.errors import ApiError
from reviewer.services.board import SORTS, STATUSES

router = APIRouter(prefix="/v1", tags=["units"])
MAX_TABLE_BYTES = 5 * 1024 * 1024


class UnitBody(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="单位名称")
    aliases: list[str] = Field(default_factory=list, max_length=20, description="草稿中可能出现的其他名称")
    kind: str = Field("部门", description="政府 / 部门 / 乡镇街道 / 其他")
    parent: str | None = Field(None, max_length=200, description="上级单位名称（须已存在或在同一请求中）")
    deadline: date | None = Field(None, description="报送截止日期（不给则为次年 1 月 31 日）")
    year: int | None = Field(None, ge=2000, le=2100, description="截止日期适用的报告年度（默认：截止日期的前一年）")


_UPLOAD = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/UnitBody"}}},
    "text/csv": {"schema": {"type": "string"}, "example": "name,aliases,kind,parent,deadline\n某市人民政府,,政府,,\n"
                                                        "某市教育局,市教育局,部门,某市人民政府,2025-01-31\n"},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV 或 XLSX（表头 name,aliases,kind,parent,deadline）"}}}},
}}}


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _table_responses(description: str, *formats: str) -> dict:
    """The 200 of a route that answers JSON, or a file when ``format`` asks for one."""
    media = {"csv": "text/csv", "xlsx": _XLSX}
    return {200: {"description": description, "content": {
        "application/json": {"schema": {"type": "object"}}, **{media[f]: _BINARY for f in formats}}}}


def attachment_response(content: bytes, fmt: str, name: str) -> Response:
    from urllib.parse import quote

    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": _XLSX}[fmt]
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _year(year: int | None) -> int:
    from reviewer.services.board import reporting_year

    return year or reporting_year()


@router.get("/units", summary="列出本租户的单位（含所选年度的截止日期）",
            responses=_table_responses("单位列表（format=csv / xlsx 时为文件）", "csv", "xlsx"))
def list_units(year: int | None = Query(None, ge=2000, le=2100, description="报告年度（默认：正在报送的年度）"),
               format: str = Query("json", pattern="^(json|csv|xlsx)$"),
               tenant: TenantRef = Depends(office_tenant), session: Session = Depends(db_session)):
    from reviewer.services import units

    rows = units.list_units(session, tenant.id, _year(year))
    if format == "json":
        return {"units": rows}
    content = units.export_csv(rows) if format == "csv" else units.export_xlsx(rows)
    return attachment_response(content, format, f"单位名单.{format}")


@router.post("/units", summary="导入或更新单位（JSON 列表、CSV 正文或上传 CSV/XLSX）", openapi_extra=_UPLOAD)
async def import_units(request: Request, tenant: TenantRef = Depends(office_tenant)) -> dict:
    from pydantic import TypeAdapter, ValidationError

    from reviewer.api.uploads import read_capped
    from reviewer.services import units

    body = await read_capped(request, MAX_TABLE_BYTES + 64 * 1024, MAX_TABLE_BYTES)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if ctype == "application/json":
            try:
                items = TypeAdapter(list[UnitBody]).validate_json(body)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise ApiError(422, "request.invalid", f"请求参数不正确：{where}",
                               f"invalid request: {where}: {first.get('msg', '')}") from None
            parsed = [units.parse_row(i.model_dump(), n) for n, i in enumerate(items, 1)]
        elif ctype == "multipart/form-data":
            form = await request.form(max_files=1, max_fields=5)
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise ApiError(422, "request.missing_file", "请上传 CSV 或 XLSX 文件（字段 file）", "upload a file (field file)")
            parsed = units.read_table(await part.read(), part.filename or "")
        else:
            parsed = units.read_table(body, "units.xlsx" if "sheet" in ctype else "units.csv")
    except units.UnitError as exc:
        raise ApiError(422, "units.invalid", exc.message_zh, exc.message_en) from exc

    def store() -> dict:
        from reviewer.services.accounts import audit
        from reviewer.store.db import session_scope

        with session_scope(request.app.state.engine) as s:
            out = units.import_units(s, tenant.id, parsed)
            audit(s, tenant.id, "apikey", "units.import", detail=out)
            return {**out, "units": units.list_units(s, tenant.id, _year(None))}

    try:
        return await run_in_threadpool(store)
    except units.UnitError as exc:
        raise ApiError(422, "units.invalid", exc.message_zh, exc.message_en) from exc


@router.get("/board", summary="报送进度：每个单位该年度报告的状态、错误与警告数、截止日期",
            responses=_table_responses("报送进度（format=xlsx 时为文件）", "xlsx"))
def get_board(year: int | None = Query(None, ge=2000, le=2100, description="报告年度"),
              status: str | None = Query(None, description="只列出该状态：" + " / ".join(STATUSES)),
              kind: str | None = Query(None, max_length=20, description="只列出该类型的单位"),
              sort: str = Query("name", description="排序：" + " / ".join(SORTS)),
              format: str = Query("json", pattern="^(json|xlsx)$"),
              tenant: TenantRef = Depends(office_tenant), session: Session = Depends(db_session)):
    from reviewer.services import board

    if status and status not in STATUSES:
        raise ApiError(422, "request.invalid", f"status 应为 {' / '.join(STATUSES)} 之一", "unknown status")
    if sort not in SORTS:
        raise ApiError(422, "request.invalid", f"sort 应为 {' / '.join(SORTS)} 之一", "unknown sort")
    data = board.board(session, tenant.id, _year(year), status, kind, sort)
    if format == "xlsx":
        return attachment_response(board.export_xlsx(data), "xlsx", f"{data['year']}年度报送进度.xlsx")
    return data


class Assign(BaseModel):
    unit_id: int = Field(gt=0, lt=2**31)


@router.post("/reviews/{review_id}/unit", summary="把一份审核归到某个单位（名称未能自动匹配时）")
def assign_unit(review_id: str, body: Assign, tenant: TenantRef = Depends(office_tenant),
                session: Session = Depends(db_session)) -> dict:
    from reviewer.services.units import assign

    if not assign(session, tenant.id, review_id, body.unit_id):
        raise ApiError(404, "review.not_found", "未找到该审核或单位", "review or unit not found")
    return {"review_id": review_id, "unit_id": body.unit_id}
