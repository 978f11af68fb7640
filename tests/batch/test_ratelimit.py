"""The LLM rate limit shared through Redis: in flight, per minute, tokens — across processes."""

from __future__ import annotations

import multiprocessing as mp
import time
import uuid

import pytest
import redis

from redis_db import claimed_client, claimed_url
from reviewer.llm.ratelimit import LimitTimeout, SharedLimit


@pytest.fixture
def r():
    """This run's own database of the shared Redis (tests/redis_db.py): another test run on the same
    server neither empties it nor shares its keys."""
    client = claimed_client("ratelimit")
    yield client
    client.close()


def _limit(r, **kw) -> SharedLimit:
    args = dict(max_inflight=0, rpm=0, tpm=0, lease_seconds=30.0)
    args.update(kw)
    return SharedLimit(r, f"t:{uuid.uuid4().hex[:6]}", **args)


def _hold(url: str, prefix: str, max_inflight: int, n: int, hold: float, out) -> None:
    """A separate process taking ``n`` slots of the shared limit, each for ``hold`` seconds."""
    client = redis.Redis.from_url(url)
    limit = SharedLimit(client, prefix, max_inflight, 0, 0, 30.0)
    for _ in range(n):
        with limit.slot():
            client.incr(f"{prefix}:now")
            out.put(int(client.get(f"{prefix}:now")))
            time.sleep(hold)
            client.decr(f"{prefix}:now")


def test_in_flight_limit_holds_across_processes(r):
    prefix = f"t:{uuid.uuid4().hex[:6]}"
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_hold, args=(claimed_url("ratelimit"), prefix, 3, 4, 0.15, out)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    seen = [out.get(timeout=5) for _ in range(16)]
    assert max(seen) == 3  # reached, never exceeded


# No wall-clock thresholds: a long window, and whether the next slot is granted at once
# (max_wait close to 0) or refused with LimitTimeout.
def _now_or_never(limit: SharedLimit, tokens: int = 0) -> bool:
    quick = SharedLimit(limit.r, _prefix(limit), limit.max_inflight, limit.rpm, limit.tpm, limit.lease_seconds,
                        max_wait=0.05, window=limit.window)
    try:
        quick.release(quick.acquire(tokens), tokens)
        return True
    except LimitTimeout:
        return False


def test_requests_per_window(r):
    limit = _limit(r, rpm=4, window=600.0)
    for _ in range(4):
        with limit.slot():
            pass
    assert not _now_or_never(limit)  # the fifth waits for the window to move


def test_window_moves_on(r):
    limit = _limit(r, rpm=1, window=0.5)
    with limit.slot():
        pass
    with limit.slot():  # granted once the window has moved (max_wait is an hour)
        pass


def test_tokens_per_window_use_the_real_count(r):
    limit = _limit(r, tpm=1000, window=600.0)
    with limit.slot(600) as usage:
        usage["tokens"] = 100  # the call used far less than reserved
    assert _now_or_never(limit, 600)  # fits: 100 + 600 <= 1000
    assert not _now_or_never(limit, 600)  # 700 + 600 > 1000: waits for the window


def test_lease_of_a_dead_worker_expires(r):
    limit = _limit(r, max_inflight=1, lease_seconds=0.5)
    limit.acquire()  # never released: the worker "died"
    assert not _now_or_never(_limit_like(limit, lease_seconds=600.0))  # taken while the lease runs
    with limit.slot():  # granted when the lease has expired (max_wait is an hour)
        pass


def _limit_like(limit: SharedLimit, **kw) -> SharedLimit:
    args = dict(max_inflight=limit.max_inflight, rpm=limit.rpm, tpm=limit.tpm, lease_seconds=limit.lease_seconds,
                window=limit.window)
    args.update(kw)
    return SharedLimit(limit.r, _prefix(limit), **args)


def _prefix(limit: SharedLimit) -> str:
    return limit.keys[0].rsplit(":", 1)[0]


def test_gives_up_after_max_wait(r):
    limit = _limit(r, max_inflight=1, max_wait=0.3)
    limit.acquire()
    with pytest.raises(LimitTimeout):
        limit.acquire()


def test_llm_calls_share_the_limit(r, monkeypatch, tmp_path):
    """Reviews on many threads, one endpoint: never more than the shared limit in flight."""
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
    from fake_openai_server import FakeOpenAIServer, Hang

    from batchgen import year_pair
    from reportgen import to_txt_flattened
    from reviewer.ingest import read_bytes
    from reviewer.pipeline import ReviewOptions, review_document
    from reviewer.settings import get_settings

    server = FakeOpenAIServer(default=Hang(0.3)).start()
    try:
        for key, value in {"REVIEWER_LLM_BASE_URL": server.base_url, "REVIEWER_LLM_API_KEY": "test",
                           "REVIEWER_LLM_MODEL": "test-model", "REVIEWER_LLM_TIMEOUT": "10",
                           "REVIEWER_LLM_MAX_CONCURRENCY": "16", "REVIEWER_LLM_SHARED_MAX_CONCURRENCY": "2",
                           "REVIEWER_REDIS_URL": claimed_url("ratelimit"),
                           "REVIEWER_LLM_CACHE_PATH": str(tmp_path / "cache.sqlite3")}.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        docs = [read_bytes(to_txt_flattened(year_pair(f"乌海市第{i}局", seed=i)[1]), f"{i}.txt") for i in range(6)]
        with ThreadPoolExecutor(6) as pool:
            reviews = list(pool.map(lambda d: review_document(d, ReviewOptions(use_llm=True)), docs))
        assert all(rv.llm.status == "ok" for rv in reviews), [rv.llm for rv in reviews]
        assert server.max_in_flight == 2 and len(server.requests) >= 6
    finally:
        server.stop()
        get_settings.cache_clear()
