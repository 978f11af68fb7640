"""Issue 11, "Done when": 500 submissions with 50 in flight against real processes — the API
(uvicorn), 2 Celery worker processes, PostgreSQL and a private Redis. No response ≥ 500 other
than 503 with Retry-After (in the JSON error shape); every accepted submission finishes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from hostile_drafts import SAMPLE
from reviewer.store.db import make_engine, migrate
from reviewer.store.models import Submission
from service_procs import RedisServer, Service, command, service_env, wait_until
from service_support import make_tenant, pg_database

pytestmark = pytest.mark.timeout(420)
TOTAL, IN_FLIGHT, TENANTS = 500, 50, 10


def test_500_submissions_50_in_flight(tmp_path):
    redis_server = RedisServer(tmp_path)
    extra = None
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url)
        svc = Service(env, tmp_path, concurrency=1, beat=True)  # worker process 1 (+ beat)
        try:
            extra = command("worker", "--concurrency", "1", "--loglevel", "warning", env=env,
                            log=tmp_path / "worker2.log")  # worker process 2
            keys = [make_tenant(engine, f"负载单位{i}")["api_key"] for i in range(TENANTS)]
            results: list[tuple[int, dict, str]] = []
            lock = threading.Lock()
            accepted: list[tuple[str, str]] = []

            def one(i: int) -> None:
                key = keys[i % TENANTS]
                body = SAMPLE.replace("乌海市工业和信息化局", f"乌海市第{i}局", 1)
                with httpx.Client(timeout=60) as client:
                    for _attempt in range(20):  # a client honouring Retry-After, as documented
                        r = client.post(svc.url + "/v1/reviews", headers={"Authorization": f"Bearer {key}"},
                                        json={"text": body, "filename": f"d{i}.txt"})
                        with lock:
                            results.append((r.status_code, dict(r.headers), r.text))
                        if r.status_code in (429, 503) and "retry-after" in r.headers:
                            time.sleep(min(float(r.headers["retry-after"]), 5))
                            continue
                        break
                if r.status_code == 202:
                    with lock:
                        accepted.append((r.json()["id"], key))

            started = time.monotonic()
            with ThreadPoolExecutor(IN_FLIGHT) as pool:
                list(pool.map(one, range(TOTAL)))
            submit_seconds = time.monotonic() - started

            server_errors = [(s, h, t[:200]) for s, h, t in results if s >= 500]
            bad = [e for e in server_errors if e[0] != 503 or "retry-after" not in e[1]
                   or not e[2].startswith('{"error"')]
            assert bad == [], bad[:5]
            assert all(s in (202, 429, 503) for s, _, _ in results), {s for s, _, _ in results}
            assert len(accepted) == TOTAL, f"{len(accepted)} accepted of {TOTAL}"

            def all_finished():
                with engine.connect() as conn:
                    left = conn.scalar(select(func.count()).select_from(Submission)
                                       .where(Submission.status.notin_(("done", "error"))))
                return left == 0
            wait_until(all_finished, 300, interval=1, what="every accepted submission to finish")
            with engine.connect() as conn:
                stored = conn.scalar(select(func.count()).select_from(Submission))
                done = conn.scalar(select(func.count()).select_from(Submission).where(Submission.status == "done"))
            assert stored == TOTAL and done == TOTAL  # none lost, none failed
            print(f"load: {TOTAL} accepted in {submit_seconds:.1f} s; "
                  f"{sum(1 for s, _, _ in results if s == 503)} answers 503, "
                  f"{sum(1 for s, _, _ in results if s == 429)} answers 429; all finished "
                  f"{time.monotonic() - started:.1f} s after the first")
            assert "Traceback" not in svc.api.text(), svc.api.text()[-3000:]
        finally:
            if extra is not None:
                extra.stop()
            svc.stop()
            engine.dispose()
            redis_server.stop()


def test_pool_exhaustion_is_503_with_retry_after(tmp_path):
    """One pooled connection and no wait: concurrent requests that find none get 503 + Retry-After."""
    redis_server = RedisServer(tmp_path)
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url, REVIEWER_DB_POOL_SIZE="1", REVIEWER_DB_MAX_OVERFLOW="0",
                          REVIEWER_DB_POOL_TIMEOUT="0.01")
        svc = Service(env, tmp_path, concurrency=1, beat=False)
        try:
            key = make_tenant(engine, "繁忙单位")["api_key"]

            def one(i: int) -> httpx.Response:
                return httpx.post(svc.url + "/v1/reviews", headers={"Authorization": f"Bearer {key}"},
                                  json={"text": SAMPLE + f"\n第{i}稿\n"}, timeout=60)
            with ThreadPoolExecutor(20) as pool:
                responses = list(pool.map(one, range(60)))
            statuses = [r.status_code for r in responses]
            assert set(statuses) <= {202, 503}, statuses
            busy = [r for r in responses if r.status_code == 503]
            assert busy, "no request found the pool exhausted"
            for r in busy:
                assert int(r.headers["retry-after"]) >= 1
                assert r.json()["error"]["code"] == "service.busy"
            ids = [r.json()["id"] for r in responses if r.status_code == 202]
            wait_until(lambda: all(httpx.get(f"{svc.url}/v1/reviews/{rid}", headers={"Authorization": f"Bearer {key}"},
                                             timeout=10).json().get("status") == "done" for rid in ids),
                       120, interval=1, what="accepted reviews")
        finally:
            svc.stop()
            engine.dispose()
            redis_server.stop()
