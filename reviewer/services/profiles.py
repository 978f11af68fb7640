"""A tenant's rule profile (local standard): read, set, clear — shared by the API (/v1/profile) and the
web page (/web/profile), and looked up by the worker for every review of the tenant. The profile itself
(what select/ignore/severity mean, how it is applied) is reviewer.checks.profile."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reviewer.checks.profile import ProfileError, RuleProfile, from_mapping  # noqa: F401  (ProfileError re-exported)
from reviewer.store.db import utcnow
from reviewer.store.models import RuleProfileRow, Submission


def get_profile(session: Session, tenant_id: int) -> RuleProfile | None:
    row = session.get(RuleProfileRow, tenant_id)
    if row is None:
        return None
    return RuleProfile(name=row.name, select=row.select, ignore=row.ignore, severity=row.severity)


def set_profile(session: Session, tenant_id: int, data: dict) -> RuleProfile:
    """Validate and store; raises ProfileError (Chinese and English) for an unknown rule or severity."""
    profile = from_mapping({k: v for k, v in data.items() if v is not None}, "本单位规则配置")
    row = session.get(RuleProfileRow, tenant_id)
    if row is None:
        row = RuleProfileRow(tenant_id=tenant_id)
        session.add(row)
    row.name, row.select, row.ignore, row.severity = profile.name, profile.select, profile.ignore, profile.severity
    row.updated_at = utcnow()
    session.flush()
    return profile


def clear_profile(session: Session, tenant_id: int) -> bool:
    row = session.get(RuleProfileRow, tenant_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def profile_for_submission(session: Session, submission_id: str) -> RuleProfile | None:
    sub = session.get(Submission, submission_id)
    return get_profile(session, sub.tenant_id) if sub is not None else None


def profile_json(profile: RuleProfile | None) -> dict:
    """The API/page shape: the profile, or the default (every rule at its declared severity)."""
    p = profile or RuleProfile()
    return {**p.summary(), "default": profile is None or p.is_default}
