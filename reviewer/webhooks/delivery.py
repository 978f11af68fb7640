"""One delivery attempt: sign, POST through the SSRF-pinned transport, record, plan the next.

Only 2xx counts as delivered. 410 Gone disables the endpoint. Anything else is
retried with exponential backoff and full jitter (at least ``Retry-After`` when
the receiver sends one) until ``webhook_retry_window`` (≥ 24 h) has passed since
the sequence began.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from datetime import UTC, datetime

import httpx

from reviewer.store.db import utcnow
from reviewer.store.deliveries import claim_delivery, record_attempt
from reviewer.store.models import Delivery, WebhookEndpoint
from reviewer.webhooks.signing import sign_headers
from reviewer.webhooks.ssrf import Allowlist, PinnedTransport, UnsafeURL

log = logging.getLogger(__name__)


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): base·2^(n-1), capped, jittered 50–100 %."""
    rng = rng or random
    delay = min(cap, base * (2 ** (attempt - 1)))
    return delay * (0.5 + rng.random() / 2)


def retry_after_seconds(value: str | None) -> float | None:
    """Parse a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _post(url: str, body: bytes, headers: dict, settings) -> httpx.Response:
    transport = PinnedTransport(Allowlist.parse(settings.webhook_allowlist), retries=0)
    with httpx.Client(transport=transport, timeout=settings.webhook_timeout, follow_redirects=False,
                      trust_env=False) as client:
        return client.post(url, content=body, headers={**headers, "content-type": "application/json",
                                                        "user-agent": "reviewer-webhooks/1"})


def send_signed(url: str, body: bytes, secret: str, msg_id: str, settings) -> tuple[int | None, str | None,
                                                                                   float | None, float]:
    """One signed POST through the SSRF guard: (status code, error, Retry-After seconds, duration ms).

    Never raises for network trouble or a refused address; the caller records the outcome.
    """
    status_code, error, retry_after = None, None, None
    t0 = time.perf_counter()
    try:
        resp = _post(url, body, sign_headers(secret, msg_id, body), settings)
        status_code = resp.status_code
        retry_after = retry_after_seconds(resp.headers.get("retry-after"))
    except UnsafeURL as exc:
        error = f"{exc.code}: {exc}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return status_code, error, retry_after, (time.perf_counter() - t0) * 1000


def attempt(session_factory, delivery_id: int, settings) -> float | None:
    """Make one attempt if the delivery is due. Returns seconds until the next try, or None."""
    with session_factory() as session:
        if not claim_delivery(session, delivery_id, lock_seconds=settings.webhook_timeout + 30):
            return None
        session.commit()  # the lock must be visible to other workers before we send
        d = session.get(Delivery, delivery_id)
        ep = session.get(WebhookEndpoint, d.endpoint_id)
        url, secret, msg_id, body = ep.url, ep.secret, d.message_id, d.payload.encode()
        disabled = ep.disabled_at is not None
        started_seq = d.created_at

    if disabled:
        status_code, error, retry_after, duration_ms = None, "endpoint disabled (410 earlier)", None, 0.0
    else:
        status_code, error, retry_after, duration_ms = send_signed(url, body, secret, msg_id, settings)

    with session_factory() as session:
        d = session.get(Delivery, delivery_id)
        next_delay = None
        if status_code is not None and 200 <= status_code < 300:
            outcome = "succeeded"
        elif status_code == 410 or disabled:
            outcome = "disabled"
            ep = session.get(WebhookEndpoint, d.endpoint_id)
            if ep.disabled_at is None:
                ep.disabled_at, ep.disabled_reason = utcnow(), "receiver answered 410 Gone"
        else:
            next_delay = backoff(d.attempt_count + 1, settings.webhook_backoff_base, settings.webhook_backoff_max)
            if retry_after is not None:
                next_delay = max(next_delay, min(retry_after, settings.webhook_retry_window))
            elapsed = (utcnow() - started_seq).total_seconds()
            outcome = "retry" if elapsed + next_delay <= settings.webhook_retry_window else "failed"
            if outcome == "failed":
                next_delay = None
        record_attempt(session, d, status_code=status_code, error=error, duration_ms=duration_ms,
                       outcome=outcome, next_delay=next_delay)
        session.commit()
    log.info("webhook %s attempt → %s %s", msg_id, status_code or error, outcome)
    return next_delay
