"""Issue 17, the reliability run: 200 reviews and a 100-file batch through the API, two
`reviewer worker` processes (each a review pool and a delivery pool), PostgreSQL and a private
redis-server, while a worker process is killed with SIGKILL mid-review and Redis restarts without
persistence. Nothing is lost or duplicated, every finished review is on the result stream and in
the cursor feed, every webhook verifies with the `standardwebhooks` package."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from reviewer.store.db import make_engine, migrate, session_scope
from reviewer.store.models import Delivery, ReviewRow, Submission
from service_procs import SAMPLE, Receiver, RedisServer, Service, _children, command, service_env, wait_until
from service_support import make_tenant, pg_database

pytestmark = pytest.mark.timeout(300)
REVIEWS, BATCH = 200, 100


# Small drafts keep the run short: the sample up to section 二 (real title, period, narrative; no tables).
_SMALL = SAMPLE.read_text(encoding="utf-8").split("二、主动公开政府信息情况")[0]


def _draft(i: int) -> bytes:
    return (_SMALL + f"\n附：第{i}号稿\n").encode()


def _post_until_accepted(client: httpx.Client, i: int, callback: str) -> str:
    """Submit with an Idempotency-Key, retrying through the Redis restart: same key, same submission."""
    while True:
        try:
            r = client.post("/v1/reviews", headers={"Idempotency-Key": f"rel-{i}"},
                            files={"file": (f"r{i}.txt", _draft(i), "text/plain")},
                            data={"use_llm": "false", "callback_url": callback})
            if r.status_code in (200, 202):
                return r.json()["id"]
            assert r.status_code in (429, 503), r.text  # anything else is a defect
        except httpx.TransportError:
            pass
        time.sleep(0.2)


def _pool_pids(proc) -> set[int]:
    """Prefork children of a `reviewer worker`'s Celery processes (the delivery pool has threads)."""
    return {g for c in _children(proc.p.pid) for g in _children(c)}


def _stream_ids(url: str) -> Counter:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return Counter(f[b"review_id"].decode() for _id, f in client.xrange("reviewer:results"))
    except redis.RedisError:
        return Counter()


def _feed_ids(client: httpx.Client) -> list[str]:
    out, cursor = [], None
    while True:
        body = client.get("/v1/reviews", params={"limit": 500} | ({"since": cursor} if cursor else {})).json()
        out += [x["id"] for x in body["reviews"]]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return out


def test_reliability_run(tmp_path):
    from standardwebhooks.webhooks import Webhook

    t0 = time.monotonic()
    redis_server = RedisServer(tmp_path)
    rx = Receiver()
    extra = svc = None
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url, REVIEWER_SUBMIT_RATE_PER_MINUTE="0")
        try:
            svc = Service(env, tmp_path, concurrency=1, beat=True)  # worker 1: review pool + delivery pool + beat
            extra = command("worker", "--concurrency", "1", "--loglevel", "info", env=env,
                            log=tmp_path / "worker2.log")  # worker 2
            wait_until(lambda: extra.text().count("ready.") >= 2, 60, what="worker 2 ready")
            tenant = make_tenant(engine, "可靠性单位")
            client = httpx.Client(base_url=svc.url, timeout=30,
                                  headers={"Authorization": f"Bearer {tenant['api_key']}"})
            ids: list[str] = []
            submitter = threading.Thread(
                target=lambda: ids.extend(_post_until_accepted(client, i, rx.url) for i in range(REVIEWS)))
            submitter.start()

            files = [("files", (f"b{i}.txt", _draft(1000 + i), "text/plain")) for i in range(BATCH)]
            r = client.post("/v1/batches", files=files, data={"use_llm": "false", "callback_url": rx.url},
                            timeout=120)
            assert r.status_code == 202, r.text
            batch_id = r.json()["id"]

            def finished() -> int:
                with session_scope(engine) as s:
                    return s.scalar(select(func.count()).select_from(Submission)
                                    .where(Submission.status.in_(("done", "error"))))

            # kill -9 a pool process in the middle of a review
            def running_in_pool():
                pools = _pool_pids(svc.worker) | _pool_pids(extra)
                with session_scope(engine) as s:
                    for claim in s.scalars(select(Submission.claim).where(Submission.status == "running")):
                        pid = int(claim.split(":")[1])
                        if pid in pools:
                            return pid
                return None
            wait_until(lambda: finished() >= 40, 120, what="40 reviews")
            victim = wait_until(running_in_pool, 60, interval=0.01, what="a review running in a pool process")
            os.kill(victim, signal.SIGKILL)

            # Redis restarts without persistence: queue, stream, markers and unacked messages are gone
            wait_until(lambda: finished() >= 120, 180, what="120 reviews")
            redis_server.stop()
            time.sleep(1.0)
            redis_server.start()

            submitter.join(timeout=200)
            assert not submitter.is_alive() and len(ids) == REVIEWS
            total = REVIEWS + BATCH
            wait_until(lambda: finished() >= total, 200, interval=0.5, what="every review finished")
            wait_until(lambda: client.get(f"/v1/batches/{batch_id}").json()["status"] == "done", 60, what="batch")

            # 0 lost, 0 duplicated
            with session_scope(engine) as s:
                subs = s.scalars(select(Submission)).all()
                assert len(subs) == total  # client retries made no second submission
                assert Counter(x.status for x in subs) == {"done": total}
                assert s.scalar(select(func.count()).select_from(ReviewRow)) == total
                every = {x.id for x in subs}
                with_callback = {x.id for x in subs if x.callback_url}
                assert with_callback == set(ids)
                deliveries = Counter(d.submission_id for d in s.scalars(select(Delivery)))
                assert deliveries == Counter({sid: 1 for sid in ids})  # one webhook sequence per review

            # every finished review on the stream (re-published after the restart) and in the feed
            wait_until(lambda: every <= set(_stream_ids(redis_server.url)), 60, interval=0.5,
                       what="every review on the stream")
            feed = _feed_ids(client)
            assert len(feed) == len(set(feed)) == total and set(feed) == every

            # every webhook: delivered, and verified by the Standard Webhooks reference library
            wait_until(lambda: {r["headers"]["webhook-id"] for r in rx.ok_requests()}
                       >= {f"msg_{sid}" for sid in ids} | {f"msg_batch_{batch_id}"}, 120, interval=0.5,
                       what="every webhook delivered")
            hook = Webhook(tenant["webhook_secret"])
            for req in rx.ok_requests():
                headers = {k.lower(): v for k, v in req["headers"].items()}
                event = hook.verify(req["body"], headers)
                assert event["type"] in ("review.completed", "batch.completed")
            assert victim not in _pool_pids(svc.worker) | _pool_pids(extra)
        finally:
            for proc in (extra, svc):
                if proc is not None:
                    proc.stop()
            rx.close()
            redis_server.stop()
            engine.dispose()
    print(f"\nreliability run: {time.monotonic() - t0:.1f} s")
