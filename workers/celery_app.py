"""The Celery app. Broker and every setting come from the environment (REVIEWER_*).

Reliability choices: tasks are acknowledged late and rejected (re-queued) when a
worker process dies, each worker process reserves one message at a time, and the
Redis visibility timeout exceeds the longest task, so a message is redelivered
only when its worker is really gone. No result backend: the store is the source
of truth.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from celery import Celery
from celery.signals import worker_process_init

from reviewer.settings import get_settings

log = logging.getLogger(__name__)

REVIEW_QUEUE = "reviews"
WEBHOOK_QUEUE = "webhooks"


def _soft_limit(s) -> int | None:
    """The soft time limit: 30 s before the hard one by default; 0 turns it off."""
    if s.review_soft_time_limit is not None:
        return s.review_soft_time_limit or None
    return max(1, s.review_time_limit - 30)


def _make_app() -> Celery:
    s = get_settings()
    # The broker re-delivers unacked messages after this; it must outlast any task.
    visibility = max(s.visibility_timeout, s.review_time_limit + 60)
    app = Celery("reviewer", broker=s.redis_url, include=["workers.tasks", "workers.batch_tasks", "workers.annotate"])
    app.conf.update(
        # kombu's Redis transport with its connection-loss close path mended (see workers/redis_transport.py)
        broker_transport="workers.redis_transport:Transport" if s.redis_url.startswith("redis") else None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # priority_steps: batch items run earliest deadline first, single reviews before them (issue 5)
        broker_transport_options={"visibility_timeout": visibility, "socket_connect_timeout": 3,
                                  "priority_steps": list(range(10)), "sep": ":"},
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # keep reconnecting through a Redis restart
        task_time_limit=s.review_time_limit,
        task_soft_time_limit=_soft_limit(s),
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=REVIEW_QUEUE,
        task_routes={"reviewer.deliver": {"queue": WEBHOOK_QUEUE}, "reviewer.sweep": {"queue": WEBHOOK_QUEUE}},
        # A publish during a broker outage fails fast; the sweep re-queues from the store later.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                                   "interval_max": 1.0},
        beat_schedule={"sweep": {"task": "reviewer.sweep", "schedule": s.sweep_interval_seconds},
                       "batch-sweep": {"task": "reviewer.batch_sweep", "schedule": s.sweep_interval_seconds}},
        enable_utc=True,
    )
    return app


app = _make_app()


@worker_process_init.connect
def _fresh_connections(**_kwargs) -> None:
    """Forked pool processes must not share the parent's database connections."""
    from reviewer.store.db import get_engine

    get_engine().dispose(close=False)


# Each queued review message is tracked by a key on the broker's Redis, set before the message is
# sent and deleted when its task starts. The sweep re-queues a submission that has waited long only
# when its key is gone: lost with the message (Redis restarted without persistence, or the send
# failed), not merely waiting behind a long batch (issue 17). Past the TTL it is re-queued anyway
# (a duplicate message is harmless: the claim skips it).
ENQUEUED_PREFIX = "reviewer:enqueued:"
ENQUEUED_TTL = 7 * 24 * 3600


@lru_cache(maxsize=1)
def _tracker():
    import redis

    return redis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=3, socket_timeout=5)


def send_review(submission_id: str, priority: int | None = None) -> bool:
    """Queue the review task and track its message; False if the broker is unreachable (the sweep
    retries)."""
    key = ENQUEUED_PREFIX + submission_id
    try:
        _tracker().set(key, "1", ex=ENQUEUED_TTL)
        app.send_task("reviewer.review", args=[submission_id, time.time()], queue=REVIEW_QUEUE, priority=priority)
        return True
    except Exception as exc:  # broker down: the submission is already stored
        log.warning("could not queue review %s: %s", submission_id, exc)
        try:
            _tracker().delete(key)
        except Exception:  # Redis down: the key went with it, or expires
            pass
        return False


def enqueue_review(submission_id: str) -> bool:
    return send_review(submission_id)


def enqueue_annotate(submission_id: str, kind: str) -> None:
    """Ask a worker for an output made from the draft (reviewer.services.annotated); raises when the
    broker is down. Priority 0, as a single review: someone is waiting for it."""
    app.send_task("reviewer.annotate", args=[submission_id, kind], queue=REVIEW_QUEUE, priority=0)


def message_started(submission_id: str) -> None:
    """The task of this submission started: its message is no longer waiting."""
    try:
        _tracker().delete(ENQUEUED_PREFIX + submission_id)
    except Exception as exc:  # the key expires; the sweep only looks at queued submissions
        log.info("enqueued-key of %s not deleted: %s", submission_id, exc)


def still_enqueued(submission_ids: list[str]) -> set[str]:
    """Those of ``submission_ids`` whose message is waiting in the broker (its key is there).
    Redis unreachable: none (re-queueing would fail then anyway)."""
    if not submission_ids:
        return set()
    try:
        pipe = _tracker().pipeline(transaction=False)
        for sid in submission_ids:
            pipe.exists(ENQUEUED_PREFIX + sid)
        return {sid for sid, there in zip(submission_ids, pipe.execute()) if there}
    except Exception as exc:
        log.warning("cannot check queued messages: %s", exc)
        return set()


def enqueue_delivery(delivery_id: int, countdown: float | None = None) -> bool:
    try:
        app.send_task("reviewer.deliver", args=[delivery_id], queue=WEBHOOK_QUEUE, countdown=countdown)
        return True
    except Exception as exc:
        log.warning("could not queue delivery %s: %s", delivery_id, exc)
        return False
