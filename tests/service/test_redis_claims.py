"""Issue 17 item 13: two test runs on one Redis server never share, or empty, each other's database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
# Another test run: claims the same purposes, prints the URLs, and keeps its claims until told to stop.
_OTHER_RUN = (f"import sys; sys.path.insert(0, {str(TESTS)!r})\n"
              "from redis_db import claimed_url\n"
              "print(claimed_url('service'), claimed_url('ratelimit'), flush=True)\n"
              "sys.stdin.readline()\n")


def test_another_run_claims_other_databases_and_releases_them():
    import redis

    from redis_db import TEST_REDIS, claimed_client, claimed_url, clear_own

    mine = claimed_client("service")
    mine.set("marker", "mine")
    other = subprocess.Popen([sys.executable, "-c", _OTHER_RUN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    try:
        theirs = other.stdout.readline().split()
        assert len(theirs) == 2, theirs
        assert claimed_url("service") not in theirs and claimed_url("ratelimit") not in theirs
        for url in theirs:  # the other run empties its own database: mine keeps its data
            clear_own(redis.Redis.from_url(url))
        assert mine.get("marker") == b"mine"
    finally:
        other.communicate("stop\n", timeout=30)
    admin = redis.Redis.from_url(f"{TEST_REDIS}/0")
    claims = {k.decode(): admin.get(k).decode() for k in admin.scan_iter("reviewer-tests:db-claim:*")}
    theirs_n = {u.rsplit("/", 1)[1] for u in theirs}
    assert not any(k.rsplit(":", 1)[1] in theirs_n for k in claims), claims  # released when that run ended


def test_rate_limit_tests_use_no_fixed_database():
    text = (TESTS / "batch" / "test_ratelimit.py").read_text(encoding="utf-8")
    assert "flushdb" not in text and '"/12"' not in text
    if "time.monotonic() - t0" in text:
        pytest.fail("wall-clock thresholds in the rate-limit tests")
