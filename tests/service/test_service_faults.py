"""Faults with real processes on a private redis-server: a worker process killed
with SIGKILL mid-review, and Redis restarted during a run of 50 submissions."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from service_support import make_tenant
from reviewer.store.db import make_engine, migrate
from reviewer.store.models import Delivery, ReviewRow, Submission
from reviewer.webhooks import verify
from service_procs import SAMPLE, Receiver, RedisServer, Service, service_env, wait_until

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def stack(tmp_path):
    """A private Redis, a SQLite store, the API and a 2-process worker with beat."""
    redis_server = RedisServer(tmp_path)
    db_url = f"sqlite:///{tmp_path}/reviewer.sqlite3"
    engine = make_engine(db_url)
    migrate(engine)
    svc = None
    try:
        # the long draft below (60,000 lines) is over the default paragraph limit
        svc = Service(service_env(db_url, redis_server.url, REVIEWER_MAX_PARAGRAPHS="200000"), tmp_path)
        svc.engine, svc.redis_server = engine, redis_server
        svc.tenant = make_tenant(engine, "丙单位")
        yield svc
    finally:
        if svc is not None:
            svc.stop()
        redis_server.stop()
        engine.dispose()


def _rows(engine, model, **where):
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        stmt = select(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return session.scalars(stmt).all()


def _big_draft() -> bytes:
    """The sample draft with a long narrative appended, so a review takes long enough to be interrupted."""
    extra = "\n".join(f"{i}. 本机关持续推进政务公开标准化规范化建设，按要求更新主动公开目录第{i}项。"
                      for i in range(60000))
    return SAMPLE.read_bytes() + b"\n" + extra.encode()


def test_worker_killed_mid_review_completes_once_with_one_webhook_sequence(stack):
    rx = Receiver()
    try:
        h = {"Authorization": f"Bearer {stack.tenant['api_key']}"}
        r = httpx.post(stack.url + "/v1/reviews", headers=h, timeout=30,
                       files={"file": ("big.txt", _big_draft(), "text/plain")},
                       data={"callback_url": rx.url, "use_llm": "false"})
        assert r.status_code == 202, r.text
        rid = r.json()["id"]

        def running_pid():
            rows = _rows(stack.engine, Submission, id=rid)
            if rows and rows[0].status == "running":
                return int(rows[0].claim.split(":")[1])
            return None
        pid = wait_until(running_pid, 30, interval=0.01, what="review to start")
        assert pid in stack.pool_pids()
        os.kill(pid, signal.SIGKILL)

        wait_until(lambda: rx.ok_requests(), 120, what="webhook after the kill")
        time.sleep(1.5)  # let any duplicate show itself
        sub = _rows(stack.engine, Submission, id=rid)[0]
        assert sub.attempts == 2  # killed once, finished by the second claim
        assert sub.status == "done"
        assert len(_rows(stack.engine, ReviewRow, submission_id=rid)) == 1
        assert len(_rows(stack.engine, Delivery, submission_id=rid)) == 1
        assert len(rx.ok_requests()) == 1 and {q["headers"]["webhook-id"] for q in rx.requests} == {f"msg_{rid}"}
        verify(rx.ok_requests()[0]["body"], rx.ok_requests()[0]["headers"], stack.tenant["webhook_secret"])
        assert stack.worker.alive()
    finally:
        rx.close()


def test_redis_restart_during_50_submissions_every_one_ends_done(stack):
    h = {"Authorization": f"Bearer {stack.tenant['api_key']}"}
    text = SAMPLE.read_text()
    ids: list[str] = []
    failures: list[str] = []

    def submit_all():
        with httpx.Client(base_url=stack.url, headers=h, timeout=30) as client:
            for i in range(50):
                r = client.post("/v1/reviews", json={"text": text + f"\n（第{i}稿）", "use_llm": False})
                if r.status_code == 202:
                    ids.append(r.json()["id"])
                else:
                    failures.append(r.text)
                time.sleep(0.02)

    t = threading.Thread(target=submit_all)
    t.start()
    wait_until(lambda: len(ids) >= 15, 60, interval=0.01, what="first submissions")
    stack.redis_server.stop()  # queued messages are gone with it (no persistence)
    time.sleep(1.0)
    stack.redis_server.start()
    t.join(120)
    assert not failures and len(ids) == 50

    wait_until(lambda: all(r.status in ("done", "error") for r in _rows(stack.engine, Submission)), 120,
               interval=0.5, what="all 50 finished")
    assert [r.status for r in _rows(stack.engine, Submission)] == ["done"] * 50
    assert len(_rows(stack.engine, ReviewRow)) == 50


def test_dev_command_runs_api_worker_beat_and_stops_them_all(tmp_path):
    from service_procs import command, free_port

    redis_server = RedisServer(tmp_path)
    port = free_port()
    env = service_env(f"sqlite:///{tmp_path}/dev.sqlite3", redis_server.url)
    dev = command("dev", "--port", str(port), env=env, log=tmp_path / "dev.log")
    try:
        def ready():
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False
        wait_until(ready, 60, what=f"reviewer dev\n{dev.text()}")
        wait_until(lambda: "beat: Starting" in dev.text(), 30, what="beat")
        os.kill(dev.p.pid, signal.SIGTERM)
        dev.p.wait(timeout=30)

        def group_gone():
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == dev.p.pid:
                        return False
                except (OSError, ValueError):
                    continue
            return True
        wait_until(group_gone, 20, what="dev's children to exit")
    finally:
        dev.stop()
        redis_server.stop()


def test_supervisor_restarts_a_celery_worker_that_died(stack):
    """`reviewer worker` runs Celery as a child and starts it again when it dies abnormally."""
    first = stack.celery_pid()
    assert first is not None and stack.pool_pids()
    os.kill(first, signal.SIGKILL)
    wait_until(lambda: stack.celery_pid() not in (None, first), 30, interval=0.1, what="a new Celery process")
    wait_until(lambda: stack.ready_count() >= stack.POOLS + 1, 60, what="the restarted worker to be ready")
    assert "restarting in" in stack.worker.text() and stack.worker.alive()

    h = {"Authorization": f"Bearer {stack.tenant['api_key']}"}
    r = httpx.post(stack.url + "/v1/reviews", headers=h, timeout=30,
                   json={"text": SAMPLE.read_text(), "use_llm": False})
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    wait_until(lambda: _rows(stack.engine, Submission, id=rid)[0].status == "done", 60, what="review after restart")
