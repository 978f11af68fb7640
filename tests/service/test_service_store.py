"""The store on SQLite and PostgreSQL: migrations, keys, idempotent submissions,
claims that make the review task idempotent, delivery locks and attempts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from service_support import make_tenant
from reviewer.store.db import session_scope
from reviewer.store.models import ApiKey, Blob, Delivery, Submission


def _submit(engine, tenant_id, data=b"draft", key=None, callback=None):
    from reviewer.store.submissions import create_submission

    with session_scope(engine) as s:
        sub, created = create_submission(s, tenant_id, data, "a.txt", {"use_llm": False}, callback, key)
        return sub.id, created


def _tenant_id(engine, name):
    from reviewer.store.tenants import tenant_for_key

    key = make_tenant(engine, name)["api_key"]
    with session_scope(engine) as s:
        return tenant_for_key(s, key).id


def test_migrate_is_repeatable_and_keys_are_hashed(engine):
    from reviewer.store.db import migrate
    from reviewer.store.tenants import hash_key, tenant_for_key

    migrate(engine)  # second run is a no-op
    out = make_tenant(engine, "某市政务公开办")
    assert out["api_key"].startswith("rvk_") and out["webhook_secret"].startswith("whsec_")
    with session_scope(engine) as s:
        stored = s.scalars(select(ApiKey.key_hash)).all()
        assert stored == [hash_key(out["api_key"])] and out["api_key"] not in stored
        assert tenant_for_key(s, out["api_key"]).name == "某市政务公开办"
        assert tenant_for_key(s, out["api_key"] + "x") is None


def test_idempotency_key_same_body_same_submission_different_body_conflict(engine):
    from reviewer.store.submissions import IdempotencyConflict

    t = _tenant_id(engine, "a")
    first, created = _submit(engine, t, b"one", key="k1")
    again, created_again = _submit(engine, t, b"one", key="k1")
    assert created and not created_again and again == first
    with pytest.raises(IdempotencyConflict):
        _submit(engine, t, b"two", key="k1")
    other_tenant = _tenant_id(engine, "b")
    assert _submit(engine, other_tenant, b"two", key="k1")[1]  # keys are per tenant
    with session_scope(engine) as s:  # identical drafts share one content-addressed blob
        assert s.scalar(select(Blob).where(Blob.size == 3)) is not None
        assert len(s.scalars(select(Blob.sha256)).all()) == 2


def test_claim_is_once_and_finished_is_never_reviewed_again(engine):
    from reviewer.store.submissions import claim, finish, new_claim_token

    t = _tenant_id(engine, "a")
    sid, _ = _submit(engine, t)
    tok1, tok2 = new_claim_token(), new_claim_token()
    with session_scope(engine) as s:
        job = claim(s, sid, tok1, None, lease_seconds=600)
    assert job is not None and job.data == b"draft"
    with session_scope(engine) as s:  # our own process is alive: a duplicate message does nothing
        assert claim(s, sid, tok2, None, lease_seconds=600) is None
    with session_scope(engine) as s:
        assert finish(s, sid, tok1, {"status": "ok"}, {"error": 0}) is not None
    with session_scope(engine) as s:
        assert claim(s, sid, tok2, None, lease_seconds=0) is None
        assert finish(s, sid, tok2, {"status": "ok"}, {"error": 0}) is None
        assert s.get(Submission, sid).attempts == 1


def test_claim_of_a_dead_process_is_taken_over(engine):
    from reviewer.store.submissions import claim, finish, new_claim_token

    t = _tenant_id(engine, "a")
    sid, _ = _submit(engine, t)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    host = new_claim_token().split(":")[0]
    with session_scope(engine) as s:
        assert claim(s, sid, f"{host}:{dead}:x", None, lease_seconds=600) is not None
    mine = new_claim_token()
    with session_scope(engine) as s:
        assert claim(s, sid, mine, None, lease_seconds=600) is not None
    with session_scope(engine) as s:
        assert finish(s, sid, f"{host}:{dead}:x", {"status": "ok"}, {}) is None  # the dead claim lost it
        assert finish(s, sid, mine, {"status": "ok"}, {}) is not None
        assert s.get(Submission, sid).attempts == 2


def test_delivery_lock_and_attempts(engine):
    from reviewer.store.deliveries import attempts_for, claim_delivery, create_delivery, due_ids, record_attempt

    t = _tenant_id(engine, "a")
    sid, _ = _submit(engine, t, callback="https://example.org/hook")
    with session_scope(engine) as s:
        d = create_delivery(s, s.get(Submission, sid), json.dumps({"x": 1}))
        did = d.id
    with session_scope(engine) as s:
        assert due_ids(s) == [did]
        assert claim_delivery(s, did, 60)
    with session_scope(engine) as s:
        assert not claim_delivery(s, did, 60)  # locked: a second dispatch does not send twice
        assert due_ids(s) == []
        record_attempt(s, s.get(Delivery, did), status_code=503, error=None, duration_ms=1.0,
                       outcome="retry", next_delay=0.0)
    with session_scope(engine) as s:
        assert claim_delivery(s, did, 60)
        record_attempt(s, s.get(Delivery, did), status_code=200, error=None, duration_ms=1.0,
                       outcome="succeeded", next_delay=None)
    with session_scope(engine) as s:
        rows = attempts_for(s, sid)
        assert [r["status_code"] for r in rows] == [503, 200]
        assert {r["webhook_id"] for r in rows} == {f"msg_{sid}"}
        assert s.get(Delivery, did).status == "succeeded"


def test_concurrent_attempts_on_one_delivery_send_once(engine):
    """A countdown retry and a sweep dispatch racing for the same delivery: one request only."""
    import threading

    from sqlalchemy.orm import sessionmaker

    from reviewer.settings import Settings
    from reviewer.store.deliveries import create_delivery
    from reviewer.webhooks.delivery import attempt
    from service_procs import RECEIVER_HOST, Receiver

    rx = Receiver()
    try:
        t = _tenant_id(engine, "a")
        sid, _ = _submit(engine, t, callback=rx.url)
        with session_scope(engine) as s:
            did = create_delivery(s, s.get(Submission, sid), json.dumps({"x": 1})).id
        settings = Settings(webhook_allowlist=f"{RECEIVER_HOST}/32", webhook_timeout=5)
        factory = sessionmaker(engine, expire_on_commit=False)
        threads = [threading.Thread(target=attempt, args=(factory, did, settings)) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(rx.requests) == 1
        with session_scope(engine) as s:
            d = s.get(Delivery, did)
            assert d.status == "succeeded" and d.attempt_count == 1
    finally:
        rx.close()


def test_refused_callback_at_delivery_time_is_recorded_and_retried(engine):
    """The allow-list changed (or DNS did) after submit: the attempt is refused before connecting."""
    from sqlalchemy.orm import sessionmaker

    from reviewer.settings import Settings
    from reviewer.store.deliveries import attempts_for, create_delivery
    from reviewer.webhooks.delivery import attempt

    t = _tenant_id(engine, "a")
    sid, _ = _submit(engine, t, callback="http://127.0.0.1:9/hook")
    with session_scope(engine) as s:
        did = create_delivery(s, s.get(Submission, sid), "{}").id
    delay = attempt(sessionmaker(engine, expire_on_commit=False), did, Settings(webhook_allowlist=""))
    assert delay is not None and delay > 0
    with session_scope(engine) as s:
        (row,) = attempts_for(s, sid)
        assert row["status_code"] is None and row["error"].startswith("callback.forbidden_address")


def test_a_draft_that_keeps_killing_workers_ends_as_error(engine, db_url, monkeypatch):
    """After MAX_ATTEMPTS interrupted runs the submission is closed with a clear error, not retried forever."""
    from datetime import datetime

    from sqlalchemy import update

    from service_support import SHARED_REDIS, redis_or_skip
    from reviewer.settings import get_settings
    from reviewer.store.db import get_engine
    from reviewer.store.models import ReviewRow
    from workers import jobs

    redis_or_skip()
    monkeypatch.setenv("REVIEWER_DATABASE_URL", db_url)
    monkeypatch.setenv("REVIEWER_REDIS_URL", SHARED_REDIS)
    for cached in (get_settings, get_engine, jobs._redis):
        cached.cache_clear()
    try:
        t = _tenant_id(engine, "a")
        sid, _ = _submit(engine, t)
        with session_scope(engine) as s:  # three runs died; the last one's lease is long over
            s.execute(update(Submission).where(Submission.id == sid)
                      .values(status="running", attempts=jobs.MAX_ATTEMPTS, claim="otherhost:1:x",
                              started_at=datetime(2000, 1, 1)))
        assert jobs.run_review(sid, None) == "error"
        with session_scope(engine) as s:
            assert s.get(ReviewRow, sid).review["error"]["code"] == "review.too_many_attempts"
            assert s.get(Submission, sid).status == "error"
    finally:
        get_engine().dispose()
        for cached in (get_settings, get_engine, jobs._redis):
            cached.cache_clear()
