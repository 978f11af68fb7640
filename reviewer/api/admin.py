"""/v1/admin/keys: list, create and revoke API keys over HTTP.

Guarded by its own bearer key, ``REVIEWER_ADMIN_API_KEY``; unset, the admin API answers 404 as if
it did not exist. A revoked key is refused by the very next request (keys are checked against the
store on every request, never cached).
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from reviewer.api.deps import db_session
from reviewer.api.errors import ApiError

router = APIRouter(prefix="/v1/admin", tags=["admin"])


def require_admin(request: Request) -> None:
    expected = request.app.state.settings.admin_api_key
    if not expected:
        raise ApiError(404, "http.404", "未找到", "not found")
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), expected.encode()):
        raise ApiError(401, "auth.invalid", "管理密钥无效", "invalid admin key", headers={"WWW-Authenticate": "Bearer"})


class NewKey(BaseModel):
    tenant: str = Field(min_length=1, max_length=200, description="租户名称（不存在则创建）")


@router.get("/keys", summary="列出 API 密钥（不含密钥本身）", dependencies=[Depends(require_admin)])
def list_keys(tenant: str | None = Query(None, max_length=200), session: Session = Depends(db_session)) -> dict:
    from reviewer.store.tenants import list_api_keys

    return {"keys": list_api_keys(session, tenant)}


@router.post("/keys", status_code=201, summary="为租户创建 API 密钥（只返回一次）", dependencies=[Depends(require_admin)])
def create_key(body: NewKey, session: Session = Depends(db_session)) -> dict:
    from reviewer.api.uploads import clean_name
    from reviewer.store.tenants import create_api_key

    if not body.tenant.strip():
        raise ApiError(422, "request.invalid", "租户名称不能为空", "tenant name is empty")
    out = create_api_key(session, clean_name(body.tenant))
    session.commit()
    return out


@router.post("/keys/{key_id}/revoke", summary="吊销 API 密钥（立即生效）", dependencies=[Depends(require_admin)])
def revoke_key(key_id: int, session: Session = Depends(db_session)) -> dict:
    from reviewer.store.models import ApiKey
    from reviewer.store.tenants import revoke_api_key

    key = session.get(ApiKey, key_id) if 0 < key_id < 2**31 else None
    if key is None:
        raise ApiError(404, "apikey.not_found", "未找到该密钥", "API key not found")
    out = revoke_api_key(session, key)
    session.commit()
    return out
