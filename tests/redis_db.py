"""A Redis database of the shared test server that no other test run uses at the same time.

Tests that need the shared server (REVIEWER_TEST_REDIS, default redis://127.0.0.1:6379) claim one:
``SET reviewer-tests:db-claim:<n> <owner> NX EX`` in database 0 for the first free n (1–15) that is
also empty, released when the run ends (a crashed run's claim expires after a few hours). A database
that holds keys is never claimed, so a test run never takes over data it did not write (another run's,
or a service's on the same server); nothing here uses FLUSHDB: ``clear_own`` deletes the keys of the
run's own database, which held nothing when it was claimed, and the run leaves it empty when it ends.
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
        key, owner = f"reviewer-tests:db-claim:{n}", f"{_OWNER}:{purpose}"
        if not admin.set(key, owner, nx=True, ex=CLAIM_SECONDS):
            continue  # another run's
        if redis.Redis.from_url(f"{TEST_REDIS}/{n}", socket_connect_timeout=3).dbsize():
            admin.eval(_RELEASE, 1, key, owner)  # holds data this run did not write: not ours to use
            continue
        atexit.register(_release, n, key, owner)
        return f"{TEST_REDIS}/{n}"
    raise NoFreeDatabase(f"none of the {databases - 1} Redis databases of {TEST_REDIS} is both unclaimed and empty")


def clear_own(client) -> None:
    """Delete every key of this run's claimed database (empty when claimed: all of them are this run's)."""
    batch = []
    for key in client.scan_iter(count=1000):
        batch.append(key)
        if len(batch) == 1000:
            client.unlink(*batch)
            batch.clear()
    if batch:
        client.unlink(*batch)


def _release(n: int, key: str, owner: str) -> None:
    import redis

    try:
        admin = redis.Redis.from_url(f"{TEST_REDIS}/0", socket_connect_timeout=3)
        if admin.get(key) == owner.encode():  # still ours: leave the database empty for the next run
            clear_own(redis.Redis.from_url(f"{TEST_REDIS}/{n}", socket_connect_timeout=3))
        admin.eval(_RELEASE, 1, key, owner)
    except redis.RedisError:
        pass  # the claim expires by itself


def claimed_client(purpose: str):
    """A client for this run's database for ``purpose``, emptied of what earlier tests of this run left;
    the test is skipped when the shared server is down or has no free database."""
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
    clear_own(client)  # this run's own database: only its own keys are there
    return client
