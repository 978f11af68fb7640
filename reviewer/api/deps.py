"""Request dependencies: a database session and the tenant behind the bearer key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
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
    unit_id: int | None = None  # a key scoped to one unit sees and submits only that unit's reports


def current_tenant(request: Request) -> TenantRef:
    """The tenant behind the bearer key, looked up in a session of its own that is closed before the
    route runs: a request never holds two pooled connections (the key check and the route's work).
    Revocation is therefore seen by the very next request."""
    from reviewer.store.tenants import find_key_for_signin

    auth = request.headers.get("authorization", "")
    scheme, _, key = auth.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise ApiError(401, "auth.missing", "缺少 API 密钥：请使用 Authorization: Bearer <key>",
                       "missing bearer API key", headers={"WWW-Authenticate": "Bearer"})
    if not key.isascii() or not key.isprintable() or len(key) > 200:  # never a key we issued
        tenant = None
    else:
        with session_scope(request.app.state.engine) as session:
            from reviewer.store.models import Tenant

            row = find_key_for_signin(session, key)
            tenant = session.get(Tenant, row.tenant_id) if row is not None else None
            ref = TenantRef(tenant.id, tenant.name, tenant.webhook_secret, row.unit_id) if tenant else None
    if tenant is None:
        raise ApiError(401, "auth.invalid", "API 密钥无效或已吊销", "invalid or revoked API key",
                       headers={"WWW-Authenticate": "Bearer"})
    return ref


def tenant_wide(tenant: TenantRef) -> None:
    """Batches, units, reports and the board are the office's: a unit's key gets the same 404 as a missing
    route."""
    if tenant.unit_id is not None:
        raise ApiError(404, "http.404", "未找到", "not found")


def office_tenant(request: Request) -> TenantRef:
    """``current_tenant`` for routes over every unit (a key scoped to one unit: 404)."""
    tenant = current_tenant(request)
    tenant_wide(tenant)
    return tenant
