"""Webhook endpoints, deliveries (one attempt sequence per message) and attempts.

A delivery is claimed with a short lock before each attempt, so a retry queued by
countdown and the same delivery picked up by the sweep never send twice at once.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewer.store.db import utcnow
from reviewer.store.models import Delivery, DeliveryAttempt, Submission, Tenant, WebhookEndpoint


def message_id(submission_id: str) -> str:
    """The webhook-id of a review's completion event: the same for every attempt and redelivery."""
    return f"msg_{submission_id}"


def ensure_endpoint(session: Session, tenant: Tenant, url: str) -> WebhookEndpoint:
    ep = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant.id,
                                                      WebhookEndpoint.url == url))
    if ep is not None:
        return ep
    ep = WebhookEndpoint(tenant_id=tenant.id, url=url, secret=tenant.webhook_secret, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(ep)
    except IntegrityError:  # created concurrently
        ep = session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant.id,
                                                          WebhookEndpoint.url == url))
    return ep


def create_delivery(session: Session, sub: Submission, payload: str) -> Delivery | None:
    """Queue the completion event for the submission's callback URL (None without one)."""
    if not sub.callback_url:
        return None
    tenant = session.get(Tenant, sub.tenant_id)
    ep = ensure_endpoint(session, tenant, sub.callback_url)
    now = utcnow()
    d = Delivery(submission_id=sub.id, endpoint_id=ep.id, message_id=message_id(sub.id), payload=payload,
                 status="pending", attempt_count=0, next_attempt_at=now, created_at=now)
    session.add(d)
    session.flush()
    return d


def redeliver(session: Session, sub: Submission) -> Delivery | None:
    """A new attempt sequence for the same message (same webhook-id, same body).

    Asking for redelivery re-enables an endpoint that a 410 had disabled.
    """
    last = session.scalar(select(Delivery).where(Delivery.submission_id == sub.id)
                          .order_by(Delivery.id.desc()).limit(1))
    if last is None:
        return None
    ep = session.get(WebhookEndpoint, last.endpoint_id)
    ep.disabled_at = None
    ep.disabled_reason = None
    now = utcnow()
    d = Delivery(submission_id=sub.id, endpoint_id=ep.id, message_id=last.message_id, payload=last.payload,
                 status="pending", attempt_count=0, next_attempt_at=now, created_at=now)
    session.add(d)
    session.flush()
    return d


def claim_delivery(session: Session, delivery_id: int, lock_seconds: float) -> bool:
    now = utcnow()
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == "pending", Delivery.next_attempt_at <= now,
               or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
        .values(locked_until=now + timedelta(seconds=lock_seconds))
    )
    return result.rowcount == 1


def record_attempt(session: Session, delivery: Delivery, *, status_code: int | None, error: str | None,
                   duration_ms: float, outcome: str, next_delay: float | None) -> None:
    """outcome: succeeded | failed | disabled | retry."""
    now = utcnow()
    delivery.attempt_count += 1
    session.add(DeliveryAttempt(delivery_id=delivery.id, number=delivery.attempt_count, attempted_at=now,
                                status_code=status_code, error=error, duration_ms=duration_ms,
                                next_delay=next_delay))
    delivery.locked_until = None
    if outcome == "retry":
        delivery.next_attempt_at = now + timedelta(seconds=next_delay or 0)
        return
    delivery.status = outcome
    delivery.finished_at = now
    delivery.next_attempt_at = None


def due_ids(session: Session, limit: int = 500) -> list[int]:
    now = utcnow()
    return list(session.scalars(
        select(Delivery.id).where(Delivery.status == "pending", Delivery.next_attempt_at <= now,
                                  or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
        .limit(limit)
    ))


def attempts_for(session: Session, submission_id: str) -> list[dict]:
    rows = session.execute(
        select(Delivery, DeliveryAttempt).join(DeliveryAttempt, DeliveryAttempt.delivery_id == Delivery.id)
        .where(Delivery.submission_id == submission_id).order_by(Delivery.id, DeliveryAttempt.number)
    ).all()
    return [{"delivery_id": d.id, "webhook_id": d.message_id, "number": a.number,
             "attempted_at": a.attempted_at.isoformat() + "Z", "status_code": a.status_code,
             "error": a.error, "duration_ms": round(a.duration_ms, 1)} for d, a in rows]
