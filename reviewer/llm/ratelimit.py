"""An LLM rate limit shared by every worker process, kept in Redis.

Providers limit requests per minute, tokens per minute and (for local servers)
requests in flight. A batch of 500 reports on several workers must stay under
all three together, so each request first takes a slot here:

* in flight: a sorted set of leases (member = lease id, score = expiry); a lease
  left by a killed worker expires after the request timeout, never leaks;
* requests per minute (``window`` 60 s; tests shorten it): a sorted set of start times over a sliding 60 s window;
* tokens per minute: the same window, members carrying each request's tokens —
  reserved from an estimate before the call, corrected to the real usage after.

One Lua script checks and takes all three atomically; when a limit is reached
it returns how long until the earliest room, and the caller sleeps that long
(capped, jittered) before trying again. No limits configured → no Redis traffic.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import uuid
from collections.abc import Iterator
from functools import lru_cache

log = logging.getLogger(__name__)
WINDOW = 60.0
POLL_MAX = 0.25  # never sleep longer than this between tries: a freed slot is taken quickly
_ACQUIRE = """
local inflight, starts, tokens = KEYS[1], KEYS[2], KEYS[3]
local now, lease_until, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local max_inflight, rpm, tpm = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local id, want = ARGV[7], tonumber(ARGV[8])
redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
redis.call('ZREMRANGEBYSCORE', starts, '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', tokens, '-inf', now - window)
local wait = 0
if max_inflight > 0 and redis.call('ZCARD', inflight) >= max_inflight then
  local first = redis.call('ZRANGE', inflight, 0, 0, 'WITHSCORES')
  wait = math.max(wait, math.min(tonumber(first[2]) - now, 0.02))
end
if rpm > 0 and redis.call('ZCARD', starts) >= rpm then
  local first = redis.call('ZRANGE', starts, 0, 0, 'WITHSCORES')
  wait = math.max(wait, tonumber(first[2]) + window - now)
end
if tpm > 0 then
  local used = 0
  local entries = redis.call('ZRANGE', tokens, 0, -1, 'WITHSCORES')
  local oldest = nil
  for i = 1, #entries, 2 do
    local n = tonumber(string.match(entries[i], ':(%d+)$')) or 0
    used = used + n
    if oldest == nil then oldest = tonumber(entries[i + 1]) end
  end
  if used > 0 and used + want > tpm then
    wait = math.max(wait, (oldest or now) + window - now)
  end
end
if wait > 0 then return tostring(wait) end
if max_inflight > 0 then redis.call('ZADD', inflight, lease_until, id) end
if rpm > 0 then redis.call('ZADD', starts, now, id) end
if tpm > 0 then redis.call('ZADD', tokens, now, id .. ':' .. want) end
redis.call('PEXPIRE', inflight, math.ceil((window + lease_until - now) * 1000))
redis.call('PEXPIRE', starts, math.ceil(window * 2000))
redis.call('PEXPIRE', tokens, math.ceil(window * 2000))
return '0'
"""
# after the call: free the in-flight lease; replace the token estimate by what was used
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
local score = redis.call('ZSCORE', KEYS[3], ARGV[1] .. ':' .. ARGV[2])
if score then
  redis.call('ZREM', KEYS[3], ARGV[1] .. ':' .. ARGV[2])
  redis.call('ZADD', KEYS[3], score, ARGV[1] .. ':' .. ARGV[3])
end
return 1
"""


class LimitTimeout(Exception):
    """No slot within the wait budget (the caller treats it like a provider 429)."""


class SharedLimit:
    def __init__(self, client, prefix: str, max_inflight: int, rpm: int, tpm: int, lease_seconds: float,
                 max_wait: float = 3600.0, window: float = WINDOW):
        self.r = client
        self.keys = [f"{prefix}:inflight", f"{prefix}:starts", f"{prefix}:tokens"]
        self.max_inflight, self.rpm, self.tpm = max_inflight, rpm, tpm
        self.lease_seconds, self.max_wait, self.window = lease_seconds, max_wait, window
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)

    def _now(self) -> float:
        sec, usec = self.r.time()  # one clock for every worker: the Redis server's
        return sec + usec / 1e6

    def acquire(self, tokens: int = 0) -> str:
        """Blocks until a slot is free; returns the lease id for ``release``."""
        lease = uuid.uuid4().hex
        want = max(0, int(tokens)) if self.tpm else 0
        if self.tpm and want > self.tpm:
            want = self.tpm  # one oversized request still runs, alone in its window
        deadline = time.monotonic() + self.max_wait
        while True:
            now = self._now()
            wait = float(self._acquire(keys=self.keys, args=[
                now, now + self.lease_seconds, self.window, self.max_inflight, self.rpm, self.tpm, lease, want]))
            if wait <= 0:
                return f"{lease}:{want}"
            if time.monotonic() + wait > deadline:
                raise LimitTimeout(f"no LLM slot within {self.max_wait:.0f}s")
            time.sleep(min(wait, POLL_MAX) * random.uniform(0.5, 1.0))

    def release(self, handle: str, used_tokens: int | None = None) -> None:
        lease, _, want = handle.partition(":")
        used = want if used_tokens is None else str(max(0, int(used_tokens)))
        try:
            self._release(keys=self.keys, args=[lease, want, used])
        except Exception as exc:  # Redis gone: the lease expires by itself
            log.warning("llm rate limit release failed: %s", exc)

    @contextlib.contextmanager
    def slot(self, tokens: int = 0) -> Iterator[dict]:
        """``with limit.slot(estimate) as usage: …; usage["tokens"] = real`` (optional)."""
        handle = self.acquire(tokens)
        usage: dict = {}
        try:
            yield usage
        finally:
            self.release(handle, usage.get("tokens"))


@lru_cache(maxsize=4)
def _limit_for(redis_url: str, prefix: str, max_inflight: int, rpm: int, tpm: int, lease: float) -> SharedLimit:
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=10)
    return SharedLimit(client, prefix, max_inflight, rpm, tpm, lease)


def shared_limit(settings) -> SharedLimit | None:
    """The configured shared limit, or None (no REVIEWER_LLM_SHARED_* / RPM / TPM set)."""
    max_inflight = int(getattr(settings, "llm_shared_max_concurrency", 0) or 0)
    rpm = int(getattr(settings, "llm_rpm", 0) or 0)
    tpm = int(getattr(settings, "llm_tpm", 0) or 0)
    if not (max_inflight or rpm or tpm):
        return None
    prefix = getattr(settings, "llm_limit_key", None) or "reviewer:llm-limit"
    return _limit_for(settings.redis_url, prefix, max_inflight, rpm, tpm, float(settings.llm_timeout) + 30.0)


@contextlib.contextmanager
def llm_slot(settings, tokens: int = 0) -> Iterator[dict]:
    """The shared slot when limits are configured, else nothing."""
    limit = shared_limit(settings)
    if limit is None:
        yield {}
        return
    with limit.slot(tokens) as usage:
        yield usage
