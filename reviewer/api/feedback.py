"""GET /v1/board/feedback.zip (issue 16): the feedback package for units chosen on the board.

The batch's own package is ``GET /v1/batches/{id}/feedback.zip`` (reviewer.api.batches).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from reviewer.api.batches import _PENDING, _ZIP, package_download
from reviewer.api.deps import TenantRef, current_tenant, tenant_wide

router = APIRouter(prefix="/v1/board", tags=["units"])


@router.get("/feedback.zip", response_class=Response,
            summary="所选单位的反馈包：各单位该年度最新一稿的批注稿与修改意见通知单（未报送的单位附催报通知）",
            responses={200: {"description": "zip 压缩包", "content": {_ZIP: {"schema": {"type": "string",
                                                                                     "format": "binary"}}}},
                       **_PENDING})
async def units_feedback(request: Request, year: int | None = Query(None, ge=2000, le=2100, description="报告年度"),
                   unit: list[int] = Query(..., description="单位 id，可重复（unit=1&unit=2）"),
                   resubmit_by: str | None = Query(None, description="修改稿报送截止日期（YYYY-MM-DD），默认 7 天后"),
                   sender: str | None = Query(None, max_length=100, description="通知单落款，默认为本租户名称"),
                   tenant: TenantRef = Depends(current_tenant)) -> Response:
    from reviewer.services.board import reporting_year
    from reviewer.services.feedback import resubmit_date, units_package

    tenant_wide(tenant)
    due, chosen = resubmit_date(resubmit_by), year or reporting_year()
    return await package_download(request, lambda: units_package(
        request.app.state.engine, tenant.id, chosen, unit, (sender or "").strip() or tenant.name, due))
