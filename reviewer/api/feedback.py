"""GET /v1/board/feedback.zip (issue 16): the feedback package for units chosen on the board.

The batch's own package is ``GET /v1/batches/{id}/feedback.zip`` (reviewer.api.batches).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from reviewer.api.batches import _ZIP, package_response, resubmit_date
from reviewer.api.deps import TenantRef, current_tenant, tenant_wide
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/board", tags=["units"])


@router.get("/feedback.zip", response_class=Response,
            summary="所选单位的反馈包：各单位该年度最新一稿的批注稿与修改意见通知单（未报送的单位附催报通知）",
            responses={200: {"description": "zip 压缩包", "content": {_ZIP: {"schema": {"type": "string",
                                                                                     "format": "binary"}}}}})
def units_feedback(request: Request, year: int | None = Query(None, ge=2000, le=2100, description="报告年度"),
                   unit: list[int] = Query(..., description="单位 id，可重复（unit=1&unit=2）"),
                   resubmit_by: str | None = Query(None, description="修改稿报送截止日期（YYYY-MM-DD），默认 7 天后"),
                   sender: str | None = Query(None, max_length=100, description="通知单落款，默认为本租户名称"),
                   tenant: TenantRef = Depends(current_tenant)) -> Response:
    tenant_wide(tenant)
    return units_feedback_response(request.app.state.engine, tenant.id, year, unit,
                                   (sender or "").strip() or tenant.name, resubmit_date(resubmit_by))


def units_feedback_response(engine, tenant_id: int, year: int | None, unit_ids: list[int], sender: str,
                            resubmit_by) -> Response:
    from reviewer.services.board import reporting_year
    from reviewer.services.feedback import NotFound, units_package

    ids = [u for u in unit_ids if 0 < u < 2**31][:500]
    try:
        content = units_package(engine, tenant_id, year or reporting_year(), ids, sender, resubmit_by)
    except NotFound as exc:
        raise ApiError(404, "unit.not_found", "未找到所选单位", "no such unit") from exc
    return package_response(content)
