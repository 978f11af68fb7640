"""The LLM rate limit shared through Redis: in flight, per minute, tokens — across processes."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import uuid

import pytest
import redis

from reviewer.llm.ratelimit import LimitTimeout, SharedLimit

REDIS_URL = os.environ.get("REVIEWER_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/") + "/12"


@pytest.fixture
def r():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379 ({exc}); .ci/run starts it")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def _limit(r, **kw) -> SharedLimit:
    args = dict(max_inflight=0, rpm=0, tpm=0, lease_seconds=30.0)
    args.update(kw)
    return SharedLimit(r, f"t:{uuid.uuid4().hex[:6]}", **args)


def _hold(prefix: str, max_inflight: int, n: int, hold: float, out) -> None:
    """A separate process taking ``n`` slots of the shared limit, each for ``hold`` seconds."""
    client = redis.Redis.from_url(REDIS_URL)
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
    procs = [ctx.Process(target=_hold, args=(prefix, 3, 4, 0.15, out)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    seen = [out.get(timeout=5) for _ in range(16)]
    assert max(seen) == 3  # reached, never exceeded


def test_requests_per_window(r):
    limit = _limit(r, rpm=4, window=1.0)
    t0 = time.monotonic()
    starts = []
    for _ in range(6):
        with limit.slot():
            starts.append(time.monotonic() - t0)
    assert max(starts[:4]) < 0.5  # the first four at once
    assert starts[4] >= 0.9  # the fifth waits for the window to move


def test_tokens_per_window_use_the_real_count(r):
    limit = _limit(r, tpm=1000, window=1.0)
    t0 = time.monotonic()
    with limit.slot(600) as usage:
        usage["tokens"] = 100  # the call used far less than reserved
    with limit.slot(600):  # fits: 100 + 600 <= 1000
        pass
    assert time.monotonic() - t0 < 0.5
    with limit.slot(600):  # 700 + 600 > 1000: waits for the window
        pass
    assert time.monotonic() - t0 >= 0.9


def test_lease_of_a_dead_worker_expires(r):
    limit = _limit(r, max_inflight=1, lease_seconds=0.5)
    limit.acquire()  # never released: the worker "died"
    t0 = time.monotonic()
    with limit.slot():
        pass
    assert 0.3 <= time.monotonic() - t0 < 3


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
                           "REVIEWER_REDIS_URL": REDIS_URL,
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
