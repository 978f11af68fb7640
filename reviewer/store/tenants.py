"""Tenants and API keys. Only a SHA-256 of each key is stored: keys are 256-bit
random strings, so a plain hash is enough (no password stretching needed)."""

from __future__ import annotations

import base64
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer.store.db import utcnow
from reviewer.store.models import ApiKey, Tenant

KEY_PREFIX = "rvk_"


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def create_api_key(session: Session, tenant_name: str) -> dict:
    """Create the tenant if needed and a new key for it; the key is returned once."""
    tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
    if tenant is None:
        tenant = Tenant(name=tenant_name, webhook_secret=new_webhook_secret(), created_at=utcnow())
        session.add(tenant)
        session.flush()
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(api_key), prefix=api_key[:10], created_at=utcnow()))
    session.flush()
    return {"tenant": tenant.name, "api_key": api_key, "webhook_secret": tenant.webhook_secret}


def tenant_for_key(session: Session, api_key: str) -> Tenant | None:
    row = session.execute(
        select(Tenant).join(ApiKey, ApiKey.tenant_id == Tenant.id)
        .where(ApiKey.key_hash == hash_key(api_key), ApiKey.revoked_at.is_(None))
    ).scalar_one_or_none()
    return row


def list_api_keys(session: Session, tenant_name: str | None = None) -> list[dict]:
    """Every key (never the key itself: its id, prefix, tenant, created and revoked times)."""
    stmt = select(ApiKey, Tenant).join(Tenant, ApiKey.tenant_id == Tenant.id).order_by(ApiKey.id)
    if tenant_name:
        stmt = stmt.where(Tenant.name == tenant_name)
    return [key_info(k, t) for k, t in session.execute(stmt).all()]


def key_info(key: ApiKey, tenant: Tenant) -> dict:
    return {"id": key.id, "tenant": tenant.name, "prefix": key.prefix,
            "created_at": key.created_at.isoformat() + "Z",
            "revoked_at": key.revoked_at.isoformat() + "Z" if key.revoked_at else None}


def find_api_key(session: Session, ref: str) -> ApiKey | None:
    """A key by its id (digits), its listed prefix (rvk_…), or the full key."""
    ref = ref.strip()
    if ref.isdigit():
        return session.get(ApiKey, int(ref))
    if ref.startswith(KEY_PREFIX) and len(ref) > 16:
        return session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(ref)))
    matches = session.scalars(select(ApiKey).where(ApiKey.prefix == ref)).all()
    return matches[0] if len(matches) == 1 else None


def revoke_api_key(session: Session, key: ApiKey) -> dict:
    """Revoke now (idempotent: a revoked key keeps its first revocation time)."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key_info(key, session.get(Tenant, key.tenant_id))
