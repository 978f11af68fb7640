"""Issue 17 with real processes (API, `reviewer worker`, a private redis-server, SQLite or PostgreSQL):
deliveries in their own pool (item 1), per-file rate limit of batches (item 3), the result stream
across a Redis restart and the cursor feed (item 5), a sweep that re-queues only what was lost (item 12)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from service_procs import RECEIVER_HOST, SAMPLE, RedisServer, Service, service_env, wait_until
from service_support import make_tenant
from reviewer.store.db import make_engine, migrate

pytestmark = pytest.mark.timeout(240)


class TrickleReceiver:
    """Answers 200 and then sends one body byte every half second, for as long as it is read."""

    def __init__(self):
        self.stop = threading.Event()
        self.open = 0
        self.lock = threading.Lock()
        rx = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("content-length", 0)))
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                with rx.lock:
                    rx.open += 1
                try:
                    while not rx.stop.wait(0.5):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                except OSError:
                    pass
                finally:
                    with rx.lock:
                        rx.open -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((RECEIVER_HOST, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{RECEIVER_HOST}:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stack_factory(tmp_path):
    made = []

    def make(concurrency: int = 2, **env):
        redis_server = RedisServer(tmp_path)
        db_url = f"sqlite:///{tmp_path}/reviewer.sqlite3"
        engine = make_engine(db_url)
        migrate(engine)
        made.append((redis_server, engine, None))
        svc = Service(service_env(db_url, redis_server.url, **env), tmp_path, concurrency=concurrency)
        made[-1] = (redis_server, engine, svc)
        svc.engine, svc.redis_server = engine, redis_server
        svc.tenant = make_tenant(engine, "丙单位")
        svc.headers = {"Authorization": f"Bearer {svc.tenant['api_key']}"}
        return svc

    yield make
    for redis_server, engine, svc in made:
        if svc is not None:
            svc.stop()
        redis_server.stop()
        engine.dispose()


def _status(svc, rid: str) -> str:
    return httpx.get(f"{svc.url}/v1/reviews/{rid}", headers=svc.headers, timeout=10).json()["status"]


def test_slow_receivers_do_not_starve_reviews(stack_factory):
    """Item 1: four callbacks to a receiver that trickles its answer (deadline set far away, so only
    the separate delivery pool helps); a plain review submitted after them still completes."""
    rx = TrickleReceiver()
    try:
        svc = stack_factory(REVIEWER_WEBHOOK_DEADLINE="600", REVIEWER_WEBHOOK_TIMEOUT="5")
        for _ in range(4):
            r = httpx.post(svc.url + "/v1/reviews", headers=svc.headers, timeout=30,
                           json={"text": SAMPLE.read_text(), "use_llm": False, "callback_url": rx.url})
            assert r.status_code == 202, r.text
        wait_until(lambda: rx.open >= 2, 60, what="deliveries held by the trickling receiver")
        r = httpx.post(svc.url + "/v1/reviews", headers=svc.headers, timeout=30,
                       json={"text": SAMPLE.read_text(), "use_llm": False})
        rid = r.json()["id"]
        wait_until(lambda: _status(svc, rid) == "done", 60, what="a review while deliveries trickle")
        assert rx.open >= 2  # the deliveries are still being held: the review did not wait for them
    finally:
        rx.close()


def test_a_batch_is_charged_per_file(stack_factory):
    """Item 3: burst 10, refill 1 a minute (nothing refills during the test). A 10-file batch uses the
    whole burst, so the next batch and the next single submission wait (429 + Retry-After)."""
    svc = stack_factory(REVIEWER_SUBMIT_RATE_PER_MINUTE="1", REVIEWER_SUBMIT_BURST="10")
    text = SAMPLE.read_bytes()
    files = [("files", (f"d{i}.txt", text, "text/plain")) for i in range(10)]
    r = httpx.post(svc.url + "/v1/batches", headers=svc.headers, files=files, data={"use_llm": "false"}, timeout=60)
    assert r.status_code == 202, r.text
    r = httpx.post(svc.url + "/v1/batches", headers=svc.headers, files=files[:3], data={"use_llm": "false"},
                   timeout=60)
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "rate.limited" and int(r.headers["retry-after"]) >= 1
    r = httpx.post(svc.url + "/v1/reviews", headers=svc.headers, timeout=30,
                   json={"text": SAMPLE.read_text(), "use_llm": False})
    assert r.status_code == 429, r.text


def _received(svc) -> int:
    import re

    return len(re.findall(r"Task reviewer\.review\[[0-9a-f-]+\] received", svc.worker.text()))


def test_the_sweep_does_not_requeue_items_that_are_only_waiting(stack_factory):
    """Item 12: a 30-item batch on one worker process waits in the queue far longer than
    STUCK_AFTER (3 s); the sweep (every 0.5 s) must leave those messages alone: one message each."""
    svc = stack_factory(concurrency=1, REVIEWER_STUCK_AFTER_SECONDS="3")
    files = [("files", (f"d{i}.txt", SAMPLE.read_bytes() + f"\n附{i}\n".encode(), "text/plain")) for i in range(30)]
    r = httpx.post(svc.url + "/v1/batches", headers=svc.headers, files=files, data={"use_llm": "false"}, timeout=60)
    assert r.status_code == 202, r.text
    bid = r.json()["id"]
    wait_until(lambda: httpx.get(f"{svc.url}/v1/batches/{bid}", headers=svc.headers, timeout=10).json()["status"]
               == "done", 180, interval=0.5, what="the batch")
    time.sleep(2)  # a re-queued duplicate would be received by now
    received = _received(svc)
    assert received == 30, f"{received} review messages for 30 items"


def test_the_sweep_requeues_what_a_redis_restart_lost(stack_factory):
    """Item 12, the other half: messages lost with Redis (no persistence) are queued again."""
    svc = stack_factory(REVIEWER_STUCK_AFTER_SECONDS="1")
    svc.worker.stop()  # nothing consumes: the messages wait in Redis
    ids = []
    for _ in range(3):
        r = httpx.post(svc.url + "/v1/reviews", headers=svc.headers, timeout=30,
                       json={"text": SAMPLE.read_text(), "use_llm": False})
        ids.append(r.json()["id"])
    svc.redis_server.stop()
    svc.redis_server.start()
    from service_procs import command

    svc.worker = command("worker", "--concurrency", "1", "--beat", "--schedule-file",
                         str(svc.tmp / "beat2"), env=svc.env, log=svc.tmp / "worker2.log")
    for rid in ids:
        wait_until(lambda: _status(svc, rid) == "done", 90, interval=0.5, what="a lost message queued again")


def _stream_ids(svc) -> set[str]:
    import redis

    client = redis.Redis.from_url(svc.redis_server.url, socket_connect_timeout=2)
    try:
        return {f[b"review_id"].decode() for _id, f in client.xrange("reviewer:results")}
    except redis.RedisError:
        return set()


def _submit_many(svc, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = httpx.post(svc.url + "/v1/reviews", headers=svc.headers, timeout=30,
                       json={"text": SAMPLE.read_text() + f"\n附{i}\n", "use_llm": False})
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    return ids


def test_the_stream_is_rebuilt_after_a_redis_restart_without_persistence(stack_factory):
    """Item 5: five reviews finish and are streamed; Redis restarts empty; the stream gets them again."""
    svc = stack_factory()
    ids = _submit_many(svc, 5)
    wait_until(lambda: set(ids) <= _stream_ids(svc), 60, interval=0.3, what="the five entries")
    svc.redis_server.stop()
    svc.redis_server.start()
    wait_until(lambda: set(ids) <= _stream_ids(svc), 60, interval=0.5, what="the entries Redis lost, again")
    later = _submit_many(svc, 1)
    wait_until(lambda: set(later) <= _stream_ids(svc), 60, interval=0.3, what="a review after the restart")


def test_the_cursor_feed_lists_every_finished_review_once_in_order_per_tenant(stack_factory):
    """Item 5: GET /v1/reviews?since=<cursor>, paginated, ordered, tenant-scoped, in OpenAPI."""
    svc = stack_factory()
    other = make_tenant(svc.engine, "丁单位")
    ids = _submit_many(svc, 7)
    r = httpx.post(svc.url + "/v1/reviews", headers={"Authorization": f"Bearer {other['api_key']}"}, timeout=30,
                   json={"text": SAMPLE.read_text(), "use_llm": False})
    foreign = r.json()["id"]
    for rid in ids + [foreign]:
        wait_until(lambda: _status(svc, rid) == "done" if rid != foreign else True, 60, what="reviews done")

    def page(since):
        params = {"limit": 3} | ({"since": since} if since is not None else {})
        r = httpx.get(svc.url + "/v1/reviews", headers=svc.headers, params=params, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    seen, cursor = [], None
    wait_until(lambda: len(page(None)["reviews"]) == 3, 30, what="the feed")
    while True:
        body = page(cursor)
        seen += [x["id"] for x in body["reviews"]]
        assert all(x["status"] == "done" and x["counts"] is not None for x in body["reviews"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) and foreign not in seen
    assert page(cursor)["reviews"] == []  # nothing new after the last cursor
    r = httpx.get(svc.url + "/v1/reviews", headers=svc.headers, params={"since": "not-a-cursor"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "request.invalid_cursor"
    spec = httpx.get(svc.url + "/openapi.json", timeout=10).json()
    assert "since" in {p["name"] for p in spec["paths"]["/v1/reviews"]["get"]["parameters"]}


def test_a_web_batch_is_charged_per_file(stack_factory):
    """Item 3 on the web: the batch form charges one token per file, as the API does."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from webclient import csrf_of, signed_in

    svc = stack_factory(REVIEWER_SUBMIT_RATE_PER_MINUTE="1", REVIEWER_SUBMIT_BURST="5",
                        REVIEWER_WEB_SESSION_SECRET="web-test-secret-" + "x" * 32)
    c = signed_in(svc.url, svc.tenant["api_key"])
    token = csrf_of(c.get("/web/batches/new").text)
    files = [("files", (f"d{i}.txt", SAMPLE.read_bytes(), "text/plain")) for i in range(5)]
    r = c.post("/web/batches", data={"csrf_token": token}, files=files)
    assert r.status_code == 303, r.text
    r = c.post("/web/batches", data={"csrf_token": token}, files=files[:2])
    assert r.status_code == 429 and "提交过于频繁" in r.text
