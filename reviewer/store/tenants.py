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


def get_or_create_tenant(session: Session, tenant_name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == tenant_name))
    if tenant is None:
        tenant = Tenant(name=tenant_name, webhook_secret=new_webhook_secret(), created_at=utcnow())
        session.add(tenant)
        session.flush()
    return tenant


def create_api_key(session: Session, tenant_name: str, unit: str | None = None) -> dict | None:
    """Create the tenant if needed and a new key for it; the key is returned once. ``unit`` (a unit's
    name or id) scopes the key to that unit's reports; None when the tenant has no such unit."""
    from reviewer.store.models import Unit

    tenant = get_or_create_tenant(session, tenant_name)
    unit_row = None
    if unit:
        ref = unit.strip()
        unit_row = session.scalar(select(Unit).where(Unit.tenant_id == tenant.id, Unit.name == ref))
        if unit_row is None and ref.isdigit():
            unit_row = session.scalar(select(Unit).where(Unit.tenant_id == tenant.id, Unit.id == int(ref)))
        if unit_row is None:
            return None
    api_key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(tenant_id=tenant.id, key_hash=hash_key(api_key), prefix=api_key[:10], created_at=utcnow(),
                       unit_id=unit_row.id if unit_row else None))
    session.flush()
    out = {"tenant": tenant.name, "api_key": api_key, "webhook_secret": tenant.webhook_secret}
    if unit_row is not None:
        out["unit"] = unit_row.name
    return out


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
    return {"id": key.id, "tenant": tenant.name, "prefix": key.prefix, "unit_id": key.unit_id,
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


def find_key_for_signin(session: Session, api_key: str) -> ApiKey | None:
    """The live key row for a key typed on the sign-in page (never a key we could not have issued)."""
    if not api_key.isascii() or not api_key.isprintable() or len(api_key) > 200:
        return None
    return session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(api_key), ApiKey.revoked_at.is_(None)))
