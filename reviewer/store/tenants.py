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
