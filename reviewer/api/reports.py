"""/v1/reports and /v1/rules/stats (issue 15): a report's versions and status, rule health from decisions."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from reviewer.api.deps import TenantRef, db_session, office_tenant
from reviewer.services import rounds

router = APIRouter(tags=["reports"])


@router.get("/v1/reports", summary="本租户的报告（机关、年度、版本数、状态、未处理错误数），最近更新在前")
def list_reports(q: str | None = Query(None, max_length=200, description="按机关（全称或简称）、年度或报告标识查找"),
                 limit: int = Query(100, ge=1, le=500), tenant: TenantRef = Depends(office_tenant),
                 session: Session = Depends(db_session)) -> dict:
    return {"reports": rounds.list_reports(session, tenant.id, q, limit)}


@router.get("/v1/reports/{report_key}", summary="一份报告：各版本（时间、提交人、计数、变化）、状态与未处理计数")
def get_report(report_key: str, tenant: TenantRef = Depends(office_tenant),
               session: Session = Depends(db_session)) -> dict:
    return rounds.report_json(session, rounds.get_report(session, tenant.id, report_key))


class StatusIn(BaseModel):
    status: Literal["changes_requested", "approved"] = Field(
        description="changes_requested：待修改；approved：已通过")
    by: str | None = Field(None, max_length=200, description="审核人（默认：API 与租户名）")


@router.post("/v1/reports/{report_key}/status", summary="设置报告状态：待修改 / 已通过（记录人与时间）")
def set_status(report_key: str, body: StatusIn, tenant: TenantRef = Depends(office_tenant),
               session: Session = Depends(db_session)) -> dict:
    from reviewer.services.accounts import audit

    by = body.by or f"API（{tenant.name}）"
    out = rounds.set_status(session, tenant.id, report_key, body.status, by)
    audit(session, tenant.id, by, "report.status", report_key, detail={"status": body.status})
    session.commit()
    return out


@router.get("/v1/rules/stats", tags=["rules"],
            summary="规则健康度：每条规则触发次数、被采纳与不采纳次数及理由（找出误报多的规则）")
def rule_stats(tenant: TenantRef = Depends(office_tenant), session: Session = Depends(db_session)) -> dict:
    return {"rules": rounds.rule_stats(session, tenant.id)}
