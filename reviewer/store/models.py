"""SQLAlchemy 2 models: tenants, API keys, draft blobs, submissions, reviews, webhooks, units, accounts.

Migrations in ``migrations/`` are the source of truth for the schema; these
classes mirror them for queries. Timestamps are naive UTC (same on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    webhook_secret: Mapped[str] = mapped_column(String(200))  # whsec_…, needed in clear to sign
    created_at: Mapped[datetime] = mapped_column(DateTime())


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex; the key itself is never stored
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to tell keys apart in listings
    created_at: Mapped[datetime] = mapped_column(DateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)  # issue 16: scoped key


class Blob(Base):
    """Draft bytes, content-addressed: resubmitting the same draft stores it once."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("tenant_id", "idempotency_key", name="uq_submission_idem"),
                      Index("uq_submission_report_version", "report_id", "version", unique=True))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # also the review id
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(500))
    options: Mapped[dict] = mapped_column(JSON)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    # queued → running → done (review finished, ok or failed input) | error (internal failure)
    status: Mapped[str] = mapped_column(String(16), index=True)
    claim: Mapped[str | None] = mapped_column(String(200), nullable=True)  # "host:pid:nonce" of the running task
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    queue_ms: Mapped[float | None] = mapped_column(Float, nullable=True)  # enqueue → task start
    streamed_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)  # issue 16
    # issue 15: the report this draft is a version of (set when its review is stored), who sent it
    report_id: Mapped[str | None] = mapped_column(ForeignKey("reports.id"), nullable=True, index=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Report(Base):
    """A report of one unit for one year (issue 15); its drafts are the submissions that point to it."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("tenant_id", "report_key", name="uq_report_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    report_key: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str | None] = mapped_column(String(500), nullable=True)  # as read from the latest draft
    agency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)  # normalise_agency
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str | None] = mapped_column(String(32), nullable=True)  # changes_requested | approved
    status_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    status_review_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    versions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    updated_at: Mapped[datetime] = mapped_column(DateTime(), index=True)


class Decision(Base):
    """A decision on one finding of a report, by fingerprint: it holds in every later version."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("report_id", "fingerprint", name="uq_decision_fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    rule_id: Mapped[str] = mapped_column(String(100), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # accepted | dismissed
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime())
    review_id: Mapped[str] = mapped_column(String(32))  # the version it was made on


class ReviewRow(Base):
    __tablename__ = "reviews"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # Review.status: ok | failed
    counts: Mapped[dict] = mapped_column(JSON)
    review: Mapped[dict] = mapped_column(JSON)  # Review.model_dump(mode="json")
    created_at: Mapped[datetime] = mapped_column(DateTime())


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    __table_args__ = (UniqueConstraint("tenant_id", "url", name="uq_endpoint_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class Delivery(Base):
    """One attempt sequence of one webhook message to one endpoint."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"))
    message_id: Mapped[str] = mapped_column(String(64))  # webhook-id header, stable across retries
    payload: Mapped[str] = mapped_column(Text)  # exact JSON body, so every attempt signs the same bytes
    # pending → succeeded | failed (gave up) | disabled (endpoint answered 410)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(DateTime())
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[float] = mapped_column(Float)
    next_delay: Mapped[float | None] = mapped_column(Float, nullable=True)  # seconds until the next try


# --- issue 16: units, people's accounts, server-side sessions, audit log --------------------------------------


class Unit(Base):
    """A unit that owes a report to its tenant (a department, a town, a subordinate government)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_unit_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list] = mapped_column(JSON)  # other names its drafts use
    kind: Mapped[str] = mapped_column(String(20))  # 政府 / 部门 / 乡镇街道 / 其他
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())


class UnitDeadline(Base):
    """The deadline of one unit's report of one year, where it is not the default (31 January of year+1)."""

    __tablename__ = "unit_deadlines"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # the report's year
    deadline: Mapped[date] = mapped_column(Date())  # the last day (Beijing), inclusive


class User(Base):
    """A person who signs in to the web pages. Only an argon2 hash of the password is stored."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))  # admin | reviewer | clerk
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)  # clerks only
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


class WebSessionRow(Base):
    """A web session, kept server-side so sign-out, password change and key revocation end it."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token in the cookie
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True, index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime())
    expires_at: Mapped[datetime] = mapped_column(DateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


class AuditEvent(Base):
    """Sign-ins (and failures), sign-outs, account changes, unit imports, decisions."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), nullable=True, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))  # username, or "apikey:<prefix>"
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(300), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
