"""Issue 11 item 2: a review that hits its time or memory limit completes as failed with its
code, and the next one runs — with real worker processes (API, Celery worker, private Redis)."""

from __future__ import annotations

import httpx
import pytest

from hostile_drafts import SAMPLE, long_prose
from reviewer.store.db import make_engine, migrate
from service_procs import RedisServer, Service, service_env, wait_until
from service_support import make_tenant

pytestmark = pytest.mark.timeout(240)


def _stack(tmp_path, **env):
    redis_server = RedisServer(tmp_path)
    db_url = f"sqlite:///{tmp_path}/reviewer.sqlite3"
    engine = make_engine(db_url)
    migrate(engine)
    try:
        svc = Service(service_env(db_url, redis_server.url, REVIEWER_MAX_PARAGRAPHS="500000",
                                  REVIEWER_MAX_NUMBERS="5000000", **env), tmp_path, concurrency=1, beat=False)
    except BaseException:
        redis_server.stop()
        raise
    svc.redis_server = redis_server
    svc.key = make_tenant(engine, "限额单位")["api_key"]
    engine.dispose()
    return svc


def _submit(svc, name: str, text: str) -> str:
    r = httpx.post(svc.url + "/v1/reviews", headers={"Authorization": f"Bearer {svc.key}"},
                   files={"file": (name, text.encode(), "text/plain")}, timeout=60)
    assert r.status_code == 202, r.text
    return r.json()["id"]


def _finished(svc, rid: str) -> dict:
    def done():
        r = httpx.get(f"{svc.url}/v1/reviews/{rid}", headers={"Authorization": f"Bearer {svc.key}"}, timeout=10)
        body = r.json()
        return body if body["status"] in ("done", "error") else None
    return wait_until(done, 150, interval=0.3, what=f"review {rid}")


def _limit_then_next(svc, heavy: str, code: str) -> None:
    slow = _submit(svc, "heavy.txt", heavy)
    after = _submit(svc, "sample.txt", SAMPLE)
    failed = _finished(svc, slow)
    assert failed["review"]["status"] == "failed"
    assert failed["review"]["error"]["code"] == code, failed["review"]["error"]
    nxt = _finished(svc, after)
    assert nxt["status"] == "done" and nxt["review"]["status"] == "ok", nxt
    assert failed["attempts"] == 1  # failed at once, not retried until it gave up
    assert svc.worker.alive()


@pytest.mark.parametrize("soft", ["1", "0"], ids=["soft-limit", "hard-limit-kill"])
def test_time_limit_fails_the_review_and_the_next_runs(tmp_path, soft):
    svc = _stack(tmp_path, REVIEWER_REVIEW_TIME_LIMIT="3", REVIEWER_REVIEW_SOFT_TIME_LIMIT=soft)
    try:
        _limit_then_next(svc, long_prose(60_000), "review.timeout")
        if soft == "0":
            assert "Hard time limit" in svc.worker.text()
    finally:
        svc.stop()
        svc.redis_server.stop()


def test_memory_limit_fails_the_review_and_the_next_runs(tmp_path):
    svc = _stack(tmp_path, REVIEWER_REVIEW_MEMORY_LIMIT_MB="400", REVIEWER_REVIEW_TIME_LIMIT="120")
    try:
        _limit_then_next(svc, long_prose(150_000), "review.memory_limit")
    finally:
        svc.stop()
        svc.redis_server.stop()
