"""A Redis database of the shared test server that no other test run uses at the same time.

Tests that need the shared server (REVIEWER_TEST_REDIS, default redis://127.0.0.1:6379) and empty
their database claim one: ``SET reviewer-tests:db-claim:<n> <owner> NX EX`` in database 0 for the
first free n (1–15), released when the run ends (a crashed run's claim expires after a few hours).
Two test runs on one server therefore never empty each other's database; the claimed one is this
run's own, so emptying it is safe.
"""

from __future__ import annotations

import atexit
import os
import socket
import uuid
from functools import lru_cache

TEST_REDIS = os.environ.get("REVIEWER_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
CLAIM_SECONDS = 6 * 3600
_OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
_RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class NoFreeDatabase(RuntimeError):
    pass


@lru_cache(maxsize=None)
def claimed_url(purpose: str) -> str:
    """``redis://host:port/<n>`` claimed for ``purpose`` by this run (raises redis.ConnectionError
    when the server is down, NoFreeDatabase when every database is claimed)."""
    import redis

    admin = redis.Redis.from_url(f"{TEST_REDIS}/0", socket_connect_timeout=3)
    try:
        databases = int(admin.config_get("databases").get("databases", 16))
    except redis.ResponseError:  # CONFIG disabled on this server
        databases = 16
    for n in range(1, databases):
        key = f"reviewer-tests:db-claim:{n}"
        if admin.set(key, f"{_OWNER}:{purpose}", nx=True, ex=CLAIM_SECONDS):
            atexit.register(_release, key, f"{_OWNER}:{purpose}")
            return f"{TEST_REDIS}/{n}"
    raise NoFreeDatabase(f"all {databases - 1} Redis databases of {TEST_REDIS} are claimed by other test runs")


def _release(key: str, owner: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(f"{TEST_REDIS}/0", socket_connect_timeout=3)
        client.eval(_RELEASE, 1, key, owner)
    except redis.RedisError:
        pass  # the claim expires by itself


def claimed_client(purpose: str):
    """A client for this run's database for ``purpose``, emptied; the test is skipped when the
    shared server is down or has no free database."""
    import pytest
    import redis

    try:
        url = claimed_url(purpose)
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        pytest.skip(f"Redis not reachable at {TEST_REDIS} ({exc}); .ci/run starts it")
    except NoFreeDatabase as exc:
        pytest.skip(str(exc))
    client.flushdb()  # this run's own database
    return client
