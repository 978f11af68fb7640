"""Per-tenant submission rate limit, shared by every API process through Redis.

A token bucket per tenant: ``submit_burst`` submissions at once, refilled at
``submit_rate_per_minute``. One Lua script takes tokens atomically (Redis's own
clock, so API hosts need not agree on the time) or says how long until it could;
the route answers 429 with ``Retry-After``.

Every file costs a token (issue 17): a batch of n drafts costs n. A batch larger
than the burst is admitted when the bucket is full and leaves it in debt, so the
tenant's next submissions wait until the debt is repaid: over any period, no
more than the burst plus the rate gets through. Before reading a body, a route
only checks that a token is there (``cost=0``), so a tenant at its limit is
refused before uploading anything. If Redis is unreachable the
request is let through: the submission is stored either way, and refusing every
tenant because the limiter is down would lose more than it protects.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache

from reviewer.api.errors import ApiError

log = logging.getLogger(__name__)

_TAKE = """
local key = KEYS[1]
local rate, burst, cost, need = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= need then
  tokens = tokens - cost
else
  wait = (need - tokens) / rate
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', key, math.ceil((burst - math.min(tokens, 0)) / rate) + 60)
return tostring(wait)
"""


@lru_cache(maxsize=4)
def _client(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return client, client.register_script(_TAKE)


def wait_seconds(settings, tenant_id: int, cost: int = 1) -> float:
    """0 when the tenant may submit now (``cost`` tokens taken), else the seconds until it may
    (nothing taken then). Admitted when min(cost, burst) tokens are there — at least one."""
    if settings.submit_rate_per_minute <= 0:
        return 0.0
    rate = settings.submit_rate_per_minute / 60.0
    burst = max(settings.submit_burst, 1)
    need = min(max(cost, 1), burst)
    try:
        _, take = _client(settings.redis_url)
        return float(take(keys=[f"reviewer:ratelimit:submit:{tenant_id}"], args=[rate, burst, cost, need]))
    except Exception as exc:  # Redis down: let it through (see the module docstring)
        log.warning("submission rate limit unavailable (%s): not applied", exc)
        return 0.0


def check_submission_rate(settings, tenant_id: int, cost: int = 1) -> None:
    """Raise 429 with Retry-After when the tenant is over its submission rate; else take ``cost``
    tokens (0: only check that one is there, e.g. before reading a batch's files)."""
    wait = wait_seconds(settings, tenant_id, cost)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, "rate.limited", f"提交过于频繁，请 {seconds} 秒后重试",
                       f"too many submissions; retry in {seconds} s", headers={"Retry-After": str(seconds)})
