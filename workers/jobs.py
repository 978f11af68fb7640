"""What the Celery tasks do, as plain functions over reviewer.pipeline and reviewer.store."""

from __future__ import annotations

import json
import logging
from functools import lru_cache

from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from reviewer.services.rounds import after_review
from reviewer.settings import get_settings
from reviewer.store.db import get_engine, session_scope, utcnow
from reviewer.store.deliveries import create_delivery, due_ids
from reviewer.store.models import Submission, Tenant
from reviewer.store.submissions import (
    claim,
    finish,
    running_lease,
    mark_requeued,
    new_claim_token,
    orphaned_ids,
    stuck_ids,
    unstreamed_ids,
)
from reviewer.stream import entry_fields, publish

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _redis():
    import redis

    return redis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=3, socket_timeout=5)


def run_review(submission_id: str, enqueued_ts: float | None) -> str:
    """Review one submission once. Returns what happened (for logs and tests)."""
    from workers.celery_app import message_started

    settings = get_settings()
    token = new_claim_token()
    with session_scope() as s:
        job = claim(s, submission_id, token, enqueued_ts, lease_seconds=running_lease(settings))
        profile = _profile(s, submission_id) if job is not None else None
    message_started(submission_id)  # after the claim's commit: the sweep sees it running, or its key
    if job is None:
        return "skipped"
    review, status, error = _review(job, profile)
    review_json = review.model_dump(mode="json")
    with session_scope() as s:
        sub = finish(s, submission_id, token, review_json, review.counts(), status, error)
        if sub is None:
            return "superseded"  # another task took over (lease expired); its result stands
        from reviewer.services.units import attach_by_agency

        attach_by_agency(s, sub, review_json)  # issue 16: the unit its agency name matches, if exactly one
        tenant = s.get(Tenant, sub.tenant_id)
        finished = sub.finished_at.isoformat() + "Z"
        rounds = after_review(s, sub)  # issue 15: the report's next version, and what changed
        payload = json.dumps({"type": "review.completed", "timestamp": finished,
                              "data": {"review_id": sub.id, "tenant": tenant.name, "status": status,
                                       "counts": review.counts(), **rounds}},
                             ensure_ascii=False, separators=(",", ":"))
        delivery = create_delivery(s, sub, payload)
        delivery_id = delivery.id if delivery else None
        # Appended before the commit, marked in the same transaction: one commit per review.
        # A failed XADD leaves streamed_at empty for the sweep; a failed commit after a good
        # XADD means a repeat entry later (the stream is at least once).
        fields = entry_fields(sub.id, tenant.name, review.status, review.counts(), finished)
        epoch = _append(fields)
        if epoch is not None:
            sub.streamed_at, sub.stream_epoch = sub.finished_at, epoch
    number_feed()
    if delivery_id is not None:
        from workers.celery_app import enqueue_delivery

        enqueue_delivery(delivery_id)
    return status


def number_feed() -> int:
    """Give finished reviews their cursor-feed positions (best effort: the sweep does it too)."""
    from reviewer.store.submissions import number_finished

    try:
        with session_scope() as s:
            return number_finished(s)
    except Exception as exc:  # e.g. a unique-position race on a misconfigured store: the sweep retries
        log.warning("cursor feed numbering failed: %s", exc)
        return 0


# A draft whose review killed its worker this many times (hard time limit, out of memory)
# is not tried again: it would take a worker down forever.
MAX_ATTEMPTS = 3


def _profile(session, submission_id: str):
    """The tenant's rule profile, applied to (and recorded in) this review."""
    from reviewer.services.profiles import profile_for_submission

    return profile_for_submission(session, submission_id)


def _review(job, profile=None):
    from celery.exceptions import SoftTimeLimitExceeded

    from reviewer.pipeline import ReviewOptions, review_bytes

    if job.attempt > MAX_ATTEMPTS:
        return _failed(job, "review.too_many_attempts",
                       f"审核已中断 {job.attempt - 1} 次（超时或进程退出），不再重试"
                       f"（review interrupted {job.attempt - 1} times; giving up）")
    options = ReviewOptions(use_llm=job.options.get("use_llm"), review_id=job.submission_id, profile=profile)
    try:
        review = review_bytes(job.data, job.filename, options)
        _cross_year(job, review)
        return review, "done", None
    except SoftTimeLimitExceeded:
        return _failed(job, "review.timeout", "审核超过时间上限（review exceeded its time limit）")
    except Exception:  # a bug in the core must not lose the submission: it ends as "error"
        log.exception("review %s crashed", job.submission_id)
        return _failed(job, "internal.error", "审核过程内部出错，请将草稿反馈给维护人员（internal error）")


def fail_abandoned(submission_id: str, code: str, message: str) -> bool:
    """Finish a submission whose running process was killed (hard time limit) as failed."""
    from reviewer.findings import Review, ReviewError
    from reviewer.store.submissions import finish_abandoned

    with session_scope() as s:
        sub = s.get(Submission, submission_id)
        if sub is None:
            return False
        err = {"code": code, "message": message}
        review = Review(review_id=submission_id, source=sub.filename, status="failed", error=ReviewError(**err))
        done = finish_abandoned(s, submission_id, review.model_dump(mode="json"), review.counts(), "error", err)
        if done is None:
            return False
        tenant = s.get(Tenant, done.tenant_id)
        finished = done.finished_at.isoformat() + "Z"
        payload = json.dumps({"type": "review.completed", "timestamp": finished,
                              "data": {"review_id": done.id, "tenant": tenant.name, "status": "error",
                                       "counts": review.counts(), "review": review.model_dump(mode="json")}},
                             ensure_ascii=False, separators=(",", ":"))
        delivery = create_delivery(s, done, payload)
        delivery_id = delivery.id if delivery else None
    number_feed()
    if delivery_id is not None:
        from workers.celery_app import enqueue_delivery

        enqueue_delivery(delivery_id)
    return True


def _cross_year(job, review) -> None:
    """Issue 16: the unit's published report of the year before, when there is one, is compared with."""
    from reviewer.services.references import cross_year

    with session_scope() as s:
        cross_year(s, job.submission_id, job.data, job.filename, review)


def _failed(job, code: str, message: str):
    from reviewer.findings import Review, ReviewError

    err = {"code": code, "message": message}
    review = Review(review_id=job.submission_id, source=job.filename, status="failed", error=ReviewError(**err))
    return review, "error", err


def _append(fields: dict[str, str]) -> str | None:
    """XADD; the stream's epoch, or None when Redis could not be reached."""
    settings = get_settings()
    try:
        return publish(_redis(), settings.stream_key, fields, settings.stream_maxlen)[1]
    except Exception as exc:
        log.warning("stream publish of %s failed: %s", fields.get("review_id"), exc)
        return None


def publish_result(submission_id: str, fields: dict[str, str]) -> bool:
    """XADD, then record it; a Redis outage leaves streamed_at empty for the sweep."""
    epoch = _append(fields)
    if epoch is None:
        return False
    with session_scope() as s:
        s.execute(update(Submission).where(Submission.id == submission_id)
                  .values(streamed_at=utcnow(), stream_epoch=epoch))
    return True


def forget_lost_stream() -> int:
    """Entries of a stream epoch Redis no longer has are marked for publishing again."""
    from reviewer.store.submissions import forget_lost_stream as forget
    from reviewer.stream import current_epoch

    settings = get_settings()
    try:
        epoch = current_epoch(_redis(), settings.stream_key)
    except Exception as exc:  # Redis down: nothing can be published now anyway
        log.info("stream epoch unknown: %s", exc)
        return 0
    with session_scope() as s:
        lost = forget(s, epoch, settings.stream_maxlen)
    if lost:
        log.warning("result stream lost %d entries (Redis restarted without them): publishing them again", lost)
    return lost


def deliver_once(delivery_id: int) -> float | None:
    from reviewer.webhooks.delivery import attempt

    return attempt(sessionmaker(get_engine(), expire_on_commit=False), delivery_id, get_settings())


def sweep() -> dict[str, int]:
    """Re-queue stuck submissions, re-publish missed stream entries, dispatch due webhooks."""
    from workers.celery_app import enqueue_delivery, enqueue_review

    from workers.celery_app import still_enqueued

    settings = get_settings()
    with session_scope() as s:
        stuck = stuck_ids(s, settings.stuck_after_seconds, running_lease(settings))
        queued = {sid for sid in stuck if s.get(Submission, sid).status == "queued"}
        # running under a dead process of this host, its message lost: no need to wait for the lease
        orphans = set(orphaned_ids(s, settings.stuck_after_seconds)) - set(stuck)
    # Queued a long time but its message still waits in the broker: not lost, leave it (issue 17).
    # The key is checked before the conditional update below, and a task deletes it only after its
    # claim commits, so a submission whose task just started is never queued again.
    waiting = still_enqueued(sorted(queued | orphans))
    with session_scope() as s:
        stuck = ([sid for sid in stuck if sid not in queued] + sorted(orphans - waiting)
                 + mark_requeued(s, sorted(queued - waiting)))
    requeued = sum(enqueue_review(sid) for sid in stuck)
    forget_lost_stream()
    number_feed()
    republished = 0
    with session_scope() as s:
        pending = [(sid, _fields_for(s, sid)) for sid in unstreamed_ids(s, grace=5.0)]
    for sid, fields in pending:
        republished += publish_result(sid, fields)
    with session_scope() as s:
        due = due_ids(s)
    dispatched = sum(enqueue_delivery(d) for d in due)
    if stuck or pending or due:
        log.info("sweep: requeued %d, republished %d, webhooks %d", requeued, republished, dispatched)
    return {"requeued": requeued, "republished": republished, "webhooks": dispatched}


def _fields_for(session, submission_id: str) -> dict[str, str]:
    from reviewer.store.models import ReviewRow

    sub = session.get(Submission, submission_id)
    row = session.get(ReviewRow, submission_id)
    tenant = session.get(Tenant, sub.tenant_id)
    return entry_fields(sub.id, tenant.name, row.status, row.counts, sub.finished_at.isoformat() + "Z")
