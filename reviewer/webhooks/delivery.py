"""One delivery attempt: sign, POST through the SSRF-pinned transport, record, plan the next.

Only 2xx counts as delivered. 410 Gone disables the endpoint. Anything else is
retried with exponential backoff, jittered upwards only (the first retry never
comes before ``webhook_backoff_base``), and at least ``Retry-After`` when the
receiver sends one, until ``webhook_retry_window`` (≥ 24 h) has passed since the
sequence began. A wait that would end past the window is shortened so that the
last attempt is made at the window's end.

Every attempt has a total deadline (``webhook_deadline``: connect, send, status
line and headers together; ``webhook_timeout`` still bounds each single read or
write) and reads at most ``MAX_RESPONSE_BYTES`` of the answer's body, so a
receiver that trickles bytes or answers with gigabytes holds a delivery thread
for ``webhook_deadline`` seconds at most.
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


MAX_RESPONSE_BYTES = 4096  # of a receiver's answer body; the rest is never read
LAST_ATTEMPT_MARGIN = 1.0  # seconds: a wait shorter than this before the window's end is no new attempt


def backoff(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): base·2^(n-1) plus up to 50 % jitter, capped.

    The jitter only lengthens the wait, so retry n never comes before base·2^(n-1) (nor after the cap).
    """
    rng = rng or random
    delay = min(cap, base * (2 ** (attempt - 1)))
    return min(cap, delay * (1 + rng.random() / 2))


def next_retry(attempt_number: int, retry_after: float | None, elapsed: float, settings,
               rng: random.Random | None = None) -> float | None:
    """Seconds until the next attempt after failed attempt ``attempt_number``, or None when the
    sequence is over. Backoff, at least Retry-After; a wait past the retry window is shortened to
    end at the window's end (one last attempt there), and after that attempt there is none."""
    delay = backoff(attempt_number, settings.webhook_backoff_base, settings.webhook_backoff_max, rng)
    if retry_after is not None:
        delay = max(delay, retry_after)
    remaining = settings.webhook_retry_window - elapsed
    if remaining < LAST_ATTEMPT_MARGIN:
        return None
    return min(delay, remaining)


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


def _post(url: str, body: bytes, headers: dict, settings) -> tuple[int, str | None]:
    """(status code, Retry-After header) of one POST that ends by the attempt's deadline."""
    deadline = time.monotonic() + settings.webhook_deadline
    transport = PinnedTransport(Allowlist.parse(settings.webhook_allowlist), retries=0, deadline=deadline)
    with httpx.Client(transport=transport, timeout=settings.webhook_timeout, follow_redirects=False,
                      trust_env=False) as client:
        with client.stream("POST", url, content=body, headers={
                **headers, "content-type": "application/json", "user-agent": "reviewer-webhooks/1"}) as resp:
            try:  # a little of the body, undecoded; the answer is its status code
                read = 0
                for chunk in resp.iter_raw(1024):
                    read += len(chunk)
                    if read >= MAX_RESPONSE_BYTES:
                        break
            except httpx.HTTPError:
                pass  # a body cut short or too slow changes nothing: the status code came
            return resp.status_code, resp.headers.get("retry-after")


def send_signed(url: str, body: bytes, secret: str, msg_id: str, settings) -> tuple[int | None, str | None,
                                                                                   float | None, float]:
    """One signed POST through the SSRF guard: (status code, error, Retry-After seconds, duration ms).

    Never raises for network trouble or a refused address; the caller records the outcome.
    """
    status_code, error, retry_after = None, None, None
    t0 = time.perf_counter()
    try:
        status_code, retry_after_header = _post(url, body, sign_headers(secret, msg_id, body), settings)
        retry_after = retry_after_seconds(retry_after_header)
    except UnsafeURL as exc:
        error = f"{exc.code}: {exc}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return status_code, error, retry_after, (time.perf_counter() - t0) * 1000


def attempt(session_factory, delivery_id: int, settings) -> float | None:
    """Make one attempt if the delivery is due. Returns seconds until the next try, or None."""
    with session_factory() as session:
        if not claim_delivery(session, delivery_id, lock_seconds=settings.webhook_deadline + 30):
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
            elapsed = (utcnow() - started_seq).total_seconds()
            next_delay = next_retry(d.attempt_count + 1, retry_after, elapsed, settings)
            outcome = "retry" if next_delay is not None else "failed"
        record_attempt(session, d, status_code=status_code, error=error, duration_ms=duration_ms,
                       outcome=outcome, next_delay=next_delay)
        session.commit()
    log.info("webhook %s attempt → %s %s", msg_id, status_code or error, outcome)
    return next_delay
