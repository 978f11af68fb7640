"""GET /v1/reviews/{id}/rollup (issue 16): a region's report (全市/全区口径) side by side with the sum of
its subordinate units' reports of the same year. A warning to check, never an error."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from reviewer.api.deps import TenantRef, current_tenant, db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


@router.get("/{review_id}/rollup", summary="汇总口径对照：本级报告表三/表四总计与下级单位同年度报告之和（仅作警告）")
def get_rollup(review_id: str, tenant: TenantRef = Depends(current_tenant),
               session: Session = Depends(db_session)) -> dict:
    """``rollup`` is null when the report does not roll up subordinates (not a 政府 or region's report,
    no subordinate units, or none of them has a reviewed report of the year)."""
    from reviewer.services.rollup import rollup
    from reviewer.store.models import ReviewRow
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(session, tenant.id, review_id, tenant.unit_id)
    if sub is None:
        raise ApiError(404, "review.not_found", "未找到该审核", "review not found")
    row = session.get(ReviewRow, sub.id)
    if row is None:
        raise ApiError(409, "review.not_ready", f"审核尚未完成（当前状态：{sub.status}），请稍后再试",
                       f"review not finished yet (status {sub.status})")
    return {"review_id": sub.id, "rollup": rollup(session, tenant.id, sub.unit_id, row.review)
            if tenant.unit_id is None else None}  # a unit's key does not see its subordinates' figures
