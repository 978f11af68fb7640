"""Request dependencies: a database session and the tenant behind the bearer key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from reviewer.api.errors import ApiError
from reviewer.store.db import session_scope


def db_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


@dataclass(frozen=True)
class TenantRef:
    id: int
    name: str
    webhook_secret: str


def current_tenant(request: Request, session: Session = Depends(db_session)) -> TenantRef:
    from reviewer.store.tenants import tenant_for_key

    auth = request.headers.get("authorization", "")
    scheme, _, key = auth.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(401, "auth.missing", "缺少 API 密钥：请使用 Authorization: Bearer <key>",
                       "missing bearer API key", headers={"WWW-Authenticate": "Bearer"})
    tenant = tenant_for_key(session, key.strip())
    if tenant is None:
        raise ApiError(401, "auth.invalid", "API 密钥无效或已吊销", "invalid or revoked API key",
                       headers={"WWW-Authenticate": "Bearer"})
    return TenantRef(tenant.id, tenant.name, tenant.webhook_secret)
