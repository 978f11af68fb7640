"""/v1/profile: the calling tenant's rule profile (local standard) — which rules run, which are left
out, and at what severity. Every later review of the tenant applies it and records it (Review.profile)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from reviewer.api.deps import TenantRef, db_session, office_tenant
from reviewer.api.errors import ApiError
from reviewer.findings import Severity

router = APIRouter(prefix="/v1/profile", tags=["profile"])


RuleRef = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ProfileBody(BaseModel):
    name: str | None = Field(None, max_length=200, description="配置名称，如“某省地方规范”")
    select: list[RuleRef] | None = Field(None, max_length=200, description="运行的规则：编号或前缀（如 table3、period），"
                                                                          "ALL 表示全部；默认 ALL")
    ignore: list[RuleRef] | None = Field(None, max_length=200, description="不运行的规则：编号或前缀")
    severity: dict[RuleRef, Severity] | None = Field(None, max_length=200,
                                                     description="调整级别：规则编号或前缀 → error/warning/info")


class ProfileOut(BaseModel):
    name: str
    select: list[str]
    ignore: list[str]
    severity: dict[str, Severity]
    default: bool = Field(description="true：未设置配置，全部规则按声明的级别运行")


@router.get("", summary="查看本单位的规则配置", response_model=ProfileOut)
def get_profile(tenant: TenantRef = Depends(office_tenant), session: Session = Depends(db_session)) -> dict:
    from reviewer.services.profiles import get_profile, profile_json

    return profile_json(get_profile(session, tenant.id))


@router.put("", summary="设置本单位的规则配置（选择、忽略、调整级别）", response_model=ProfileOut)
def put_profile(body: ProfileBody, tenant: TenantRef = Depends(office_tenant),
                session: Session = Depends(db_session)) -> dict:
    from reviewer.services.profiles import ProfileError, profile_json, set_profile

    try:
        profile = set_profile(session, tenant.id, body.model_dump())
    except ProfileError as exc:
        raise ApiError(422, "profile.invalid", exc.message_zh, exc.message_en) from exc
    session.commit()
    return profile_json(profile)


@router.delete("", summary="删除本单位的规则配置（恢复为全部规则按声明的级别运行）", response_model=ProfileOut)
def delete_profile(tenant: TenantRef = Depends(office_tenant), session: Session = Depends(db_session)) -> dict:
    from reviewer.services.profiles import clear_profile, profile_json

    clear_profile(session, tenant.id)
    session.commit()
    return profile_json(None)
