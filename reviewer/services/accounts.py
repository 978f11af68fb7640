"""People's accounts (issue 16) and server-side web sessions (issue 17 item 4).

Passwords are hashed with argon2id (``argon2-cffi``); the password itself is never stored or logged.
Sign-in is throttled twice: an account locks for ``LOCK_MINUTES`` after ``MAX_FAILURES`` wrong passwords
in a row, and an address that failed ``IP_MAX_FAILURES`` times in ``IP_WINDOW_MINUTES`` is refused
for that window, whatever usernames it tries. Every sign-in, failure, sign-out, account change and
decision is written to the audit log.

A web session is a row: the cookie carries a random token whose SHA-256 is the row's id. Signing
out, changing or resetting the password, disabling the account or revoking the API key used to sign
in ends the session on the server, so a copied cookie is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reviewer.store.db import utcnow
from reviewer.store.models import ApiKey, AuditEvent, Tenant, Unit, User, WebSessionRow

ROLES = {"admin": "管理员", "reviewer": "审核员", "clerk": "填报单位"}
MAX_FAILURES = 5
LOCK_MINUTES = 15
IP_MAX_FAILURES = 20
IP_WINDOW_MINUTES = 15
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[\w.@-]{2,100}$")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))  # verified for unknown names, so timing tells nothing


class AccountError(ValueError):
    def __init__(self, code: str, zh: str, en: str):
        super().__init__(en)
        self.code, self.message_zh, self.message_en = code, zh, en


@dataclass(frozen=True)
class Principal:
    """Who is acting: a person (user_id) or an API key, in a tenant, perhaps limited to one unit."""

    tenant_id: int
    tenant_name: str
    role: str  # admin | reviewer | clerk | apikey
    name: str  # username, or "apikey:<prefix>" for the audit log
    unit_id: int | None = None
    user_id: int | None = None
    csrf: str = ""
    session_id: str | None = None
    unit_name: str | None = None

    @property
    def role_zh(self) -> str:
        return ROLES.get(self.role, "接口密钥")

    @property
    def is_admin(self) -> bool:
        """管理员, or an integrator signed in with a tenant-wide API key."""
        return self.role == "admin" or (self.role == "apikey" and self.unit_id is None)

    @property
    def technical(self) -> bool:
        """Admins and integrators see webhook fields, API docs and JSON; 审核员 and 填报单位 do not."""
        return self.role == "admin" or self.role == "apikey"

    @property
    def sees_all_units(self) -> bool:
        return self.unit_id is None


def audit(s: Session, tenant_id: int | None, actor: str, action: str, target: str | None = None,
          ip: str | None = None, detail: dict | None = None) -> None:
    s.add(AuditEvent(tenant_id=tenant_id, at=utcnow(), actor=actor[:120], action=action,
                     target=(target or None) and target[:300], ip=ip, detail=detail))


def audit_log(s: Session, tenant_id: int, limit: int = 200) -> list[dict]:
    rows = s.scalars(select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
                     .order_by(AuditEvent.id.desc()).limit(limit))
    return [{"at": r.at, "actor": r.actor, "action": r.action, "target": r.target, "ip": r.ip} for r in rows]


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("account.weak_password", f"密码至少 {MIN_PASSWORD} 个字符",
                           f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > 200:
        raise AccountError("account.weak_password", "密码过长（最多 200 个字符）", "password too long (max 200)")


def create_user(s: Session, tenant_id: int, username: str, password: str, role: str,
                unit_id: int | None = None) -> User:
    username = username.strip()
    if not _USERNAME.match(username):
        raise AccountError("account.bad_username", "用户名为 2–100 个字母、数字、汉字或 . _ - @",
                           "username: 2-100 letters, digits or . _ - @")
    if role not in ROLES:
        raise AccountError("account.bad_role", "角色应为 管理员、审核员 或 填报单位", "role must be admin, reviewer or clerk")
    if role == "clerk":
        unit = s.get(Unit, unit_id) if unit_id else None
        if unit is None or unit.tenant_id != tenant_id:
            raise AccountError("account.unit_required", "填报单位账号须选择所属单位", "a clerk account needs its unit")
    else:
        unit_id = None
    check_password(password)
    if s.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError("account.exists", f"用户名已被使用：{username}", f"username taken: {username}")
    user = User(tenant_id=tenant_id, username=username, password_hash=_hasher.hash(password), role=role,
                unit_id=unit_id, failed_logins=0, created_at=utcnow())
    s.add(user)
    s.flush()
    return user


def list_users(s: Session, tenant_id: int) -> list[dict]:
    names = dict(s.execute(select(Unit.id, Unit.name).where(Unit.tenant_id == tenant_id)).all())
    now = utcnow()
    return [{"id": u.id, "username": u.username, "role": u.role, "role_zh": ROLES[u.role],
             "unit": names.get(u.unit_id), "locked": bool(u.locked_until and u.locked_until > now),
             "disabled": u.disabled_at is not None, "created_at": u.created_at}
            for u in s.scalars(select(User).where(User.tenant_id == tenant_id).order_by(User.id))]


def _ip_throttled(s: Session, ip: str | None) -> bool:
    if not ip:
        return False
    since = utcnow() - timedelta(minutes=IP_WINDOW_MINUTES)
    n = s.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.ip == ip, AuditEvent.action == "signin.failed", AuditEvent.at >= since))
    return (n or 0) >= IP_MAX_FAILURES


def authenticate(s: Session, username: str, password: str, ip: str | None) -> User:
    """The user, or AccountError (wrong name or password alike; locked; throttled). Audited either way."""
    username = username.strip()[:100]
    if _ip_throttled(s, ip):
        audit(s, None, username or "-", "signin.throttled", ip=ip)
        raise AccountError("auth.throttled", f"登录失败次数过多，请 {IP_WINDOW_MINUTES} 分钟后再试",
                           "too many failed sign-ins from this address; try later")
    user = s.scalar(select(User).where(User.username == username)) if username else None
    now = utcnow()
    if user is not None and user.locked_until and user.locked_until > now:
        audit(s, user.tenant_id, username, "signin.locked", ip=ip)
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AccountError("auth.locked", f"该账号因多次输错密码已暂时锁定，请 {minutes} 分钟后再试，或请管理员重置密码",
                           "account locked after repeated failures")
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user.disabled_at is not None:
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
        audit(s, user.tenant_id if user else None, username or "-", "signin.failed", ip=ip)
        raise AccountError("auth.invalid", "用户名或密码不正确", "wrong username or password")
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit(s, user.tenant_id, username, "signin.ok", ip=ip)
    return user


def set_password(s: Session, user: User, new_password: str) -> None:
    """New hash, lock cleared, and every session of the account ended."""
    check_password(new_password)
    user.password_hash = _hasher.hash(new_password)
    user.password_changed_at = utcnow()
    user.failed_logins, user.locked_until = 0, None
    revoke_sessions(s, user_id=user.id)


def change_password(s: Session, user_id: int, old: str, new: str, ip: str | None) -> None:
    user = s.get(User, user_id)
    try:
        _hasher.verify(user.password_hash, old)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise AccountError("auth.invalid", "当前密码不正确", "the current password is wrong") from None
    set_password(s, user, new)
    audit(s, user.tenant_id, user.username, "password.change", user.username, ip)


def reset_password(s: Session, admin: Principal, user_id: int, new: str, ip: str | None) -> User:
    user = s.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or user.tenant_id != admin.tenant_id:
        raise AccountError("account.not_found", "未找到该账号", "no such account")
    set_password(s, user, new)
    audit(s, admin.tenant_id, admin.name, "password.reset", user.username, ip)
    return user


# --- server-side sessions -----------------------------------------------------------------------------


def _sid(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(s: Session, tenant_id: int, hours: float, user_id: int | None = None,
                 api_key_id: int | None = None) -> str:
    """A new session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    s.add(WebSessionRow(id=_sid(token), tenant_id=tenant_id, user_id=user_id, api_key_id=api_key_id,
                        csrf=secrets.token_urlsafe(24), created_at=now, expires_at=now + timedelta(hours=hours)))
    s.flush()
    return token


def session_principal(s: Session, token: str) -> Principal | None:
    """The principal of a live session: not revoked, not expired, its account or key still valid."""
    row = s.get(WebSessionRow, _sid(token))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    tenant = s.get(Tenant, row.tenant_id)
    if row.user_id is not None:
        user = s.get(User, row.user_id)
        if user is None or user.disabled_at is not None:
            return None
        unit = s.get(Unit, user.unit_id) if user.unit_id else None
        return Principal(tenant.id, tenant.name, user.role, user.username, user.unit_id, user.id, row.csrf, row.id,
                         unit.name if unit else None)
    key = s.get(ApiKey, row.api_key_id) if row.api_key_id else None
    if key is None or key.revoked_at is not None:
        return None
    unit = s.get(Unit, key.unit_id) if key.unit_id else None
    return Principal(tenant.id, tenant.name, "apikey", "apikey:" + key.prefix, key.unit_id, None, row.csrf, row.id,
                     unit.name if unit else None)


def revoke_sessions(s: Session, session_id: str | None = None, user_id: int | None = None,
                    api_key_id: int | None = None) -> None:
    stmt = update(WebSessionRow).where(WebSessionRow.revoked_at.is_(None))
    if session_id is not None:
        stmt = stmt.where(WebSessionRow.id == session_id)
    elif user_id is not None:
        stmt = stmt.where(WebSessionRow.user_id == user_id)
    elif api_key_id is not None:
        stmt = stmt.where(WebSessionRow.api_key_id == api_key_id)
    else:
        raise ValueError("which sessions?")
    s.execute(stmt.values(revoked_at=utcnow()))

