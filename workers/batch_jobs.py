"""What the batch tasks do (issue 5), as plain functions over reviewer.store and the core.

* Items are queued as ordinary review tasks with the batch's priority (earlier deadline first).
* After every review task, ``maybe_complete`` checks whether that was the batch's last item;
  exactly one caller wins the running → checking transition and queues the completion.
* Completion re-reads each draft (ingest + extract are cheap and deterministic, so block ids
  match the stored findings), runs the cross-report checks, writes the added findings into
  the stored reviews, marks the batch done and fires its webhook once.
"""

from __future__ import annotations

import json
import logging
import struct
import time
import zlib
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import or_, update

from reviewer.crossreport.model import slim_inputs
from reviewer.store.batches import Batch, batch_of, items, running_batches, start_checking, status_counts
from reviewer.store.db import session_scope, utcnow
from reviewer.store.models import Blob, ReviewRow, Submission, Tenant

log = logging.getLogger(__name__)
CROSS_RULES = ("continuity.", "duplicate.")
CHECKING_STALE = 900.0  # a completion that has not finished in this long is restarted by the sweep


_WARM_UP_DRAFT = ("某市某局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，本局主动公开政府信息10条。\n"
                  "五、存在的主要问题及改进情况\n2024年，我们将继续改进。\n").encode()


def warm_up() -> None:
    """A rules-only review of a tiny draft and one LLM client construction (no request sent)."""
    from reviewer.pipeline import ReviewOptions, review_bytes
    from reviewer.settings import get_settings

    review_bytes(_WARM_UP_DRAFT, "warm-up.txt", ReviewOptions(use_llm=False))
    settings = get_settings()
    if settings.llm_enabled:
        from langchain_openai import ChatOpenAI

        ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, api_key=settings.llm_api_key or "x",
                   timeout=settings.llm_timeout, max_retries=0)


def enqueue_items(submission_ids: list[str], priority: int) -> int:
    """Broker down: the items stay queued in the store; the review sweep re-queues them."""
    from workers.celery_app import send_review

    return sum(send_review(sid, priority) for sid in submission_ids)


INPUT_TTL = 7 * 24 * 3600  # cross-check inputs outlive any batch's completion


@lru_cache(maxsize=1)
def _redis():
    import redis

    from reviewer.settings import get_settings

    return redis.Redis.from_url(get_settings().redis_url, socket_connect_timeout=3, socket_timeout=10)


def _input_key(batch_id: str, submission_id: str) -> str:
    return f"reviewer:batch:{batch_id}:input:{submission_id}"


def after_review(submission_id: str) -> bool:
    with session_scope() as s:
        batch_id = batch_of(s, submission_id)
    if not batch_id:
        return False
    _prepare_input(batch_id, submission_id)
    return maybe_complete(batch_id)


def _read_draft(session, submission_id: str):
    """(Document, ReportFacts) of a stored draft; ingest and extract are deterministic."""
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    sub = session.get(Submission, submission_id)
    doc = read_bytes(session.get(Blob, sub.blob_sha256).data, sub.filename)
    return doc, extract(doc)


def _prepare_input(batch_id: str, submission_id: str) -> None:
    """Right after each review (while other reviews wait on the LLM), keep what the cross
    checks need, so completion does not re-read 500 drafts in one go. Best effort."""
    try:
        with session_scope() as s:
            row = s.get(ReviewRow, submission_id)
            if row is None or row.status != "ok":
                return
            doc, facts = slim_inputs(*_read_draft(s, submission_id))
        doc_json, facts_json = doc.model_dump_json().encode(), facts.model_dump_json().encode()
        blob = zlib.compress(struct.pack(">I", len(doc_json)) + doc_json + facts_json, 3)
        _redis().set(_input_key(batch_id, submission_id), blob, ex=INPUT_TTL)
    except Exception as exc:  # completion falls back to reading the draft again
        log.warning("batch %s: could not keep cross-check input of %s: %s", batch_id, submission_id, exc)


def _cached_input(batch_id: str, submission_id: str):
    from reviewer.document import Document
    from reviewer.extract.facts import ReportFacts

    try:
        blob = _redis().get(_input_key(batch_id, submission_id))
    except Exception:
        return None
    if not blob:
        return None
    raw = zlib.decompress(blob)
    (n,) = struct.unpack(">I", raw[:4])
    return Document.model_validate_json(raw[4:4 + n]), ReportFacts.model_validate_json(raw[4 + n:])


def maybe_complete(batch_id: str) -> bool:
    with session_scope() as s:
        c = status_counts(s, batch_id)
        if c["queued"] or c["running"]:
            return False
        if not start_checking(s, batch_id):
            return False
    _queue_completion(batch_id)
    return True


def _queue_completion(batch_id: str) -> None:
    from workers.celery_app import REVIEW_QUEUE, app

    try:
        app.send_task("reviewer.batch_complete", args=[batch_id], queue=REVIEW_QUEUE, priority=0)
    except Exception as exc:  # the batch sweep finds it in "checking" and retries
        log.warning("could not queue completion of batch %s: %s", batch_id, exc)


def _load_reports(session, batch_id: str):
    """(stored review row, Report, had cross findings before) for every reviewed item."""
    from reviewer.crossreport import Report
    from reviewer.findings import Review

    out = []
    for item in items(session, batch_id):
        if item.submission_id is None:
            continue
        row = session.get(ReviewRow, item.submission_id)
        if row is None or row.status != "ok":
            continue
        review = Review.model_validate(row.review)
        # idempotent: a re-run replaces, never repeats, the cross-report findings
        before = len(review.findings)
        review.findings = [f for f in review.findings if not f.rule_id.startswith(CROSS_RULES)]
        try:
            parsed = _cached_input(batch_id, item.submission_id) or _read_draft(session, item.submission_id)
            out.append((row, Report(parsed[0], parsed[1], review), before != len(review.findings)))
        except Exception as exc:  # it was reviewed once, so this is unexpected; skip, do not sink the batch
            log.warning("batch %s: cannot re-read %s for cross checks: %s", batch_id, item.filename, exc)
    return out


def complete(batch_id: str) -> dict:
    from reviewer.crossreport import check_reports

    t0 = time.perf_counter()
    with session_scope() as s:
        batch = s.get(Batch, batch_id)
        if batch is None or batch.status != "checking":
            return {"skipped": True}
        loaded = _load_reports(s, batch_id)
        from reviewer.services.references import batch_references

        # issue 16: last year's published reports of the batch's units take part as references
        references = batch_references(s, [(row.submission_id, r) for row, r, _ in loaded])
        added = check_reports([r for _, r, _ in loaded] + references)
        by_rule: dict[str, int] = {}
        changed = {id(r) for r, _ in added}
        for _, f in added:
            by_rule[f.rule_id] = by_rule.get(f.rule_id, 0) + 1
        for row, report, had_cross in loaded:
            if had_cross or id(report) in changed:  # rewrite only the reviews that change
                row.review = report.review.model_dump(mode="json")
                row.counts = report.review.counts()
        batch.crosscheck = {"findings": len(added), "by_rule": by_rule, "reports": len(loaded),
                            "seconds": round(time.perf_counter() - t0, 3)}
        s.flush()
        # checking → done exactly once, should the completion task run twice (redelivered under load)
        if s.execute(update(Batch).where(Batch.id == batch_id, Batch.status == "checking")
                     .values(status="done", finished_at=utcnow())).rowcount != 1:
            s.rollback()
            return {"skipped": True}
        has_webhook = batch.webhook_status == "pending"
    _forget_inputs(batch_id, [r.review.review_id for _, r, _ in loaded])
    if has_webhook:
        _queue_webhook(batch_id)
    log.info("batch %s done: %d cross-report findings", batch_id, len(added))
    return {"findings": len(added)}


def _forget_inputs(batch_id: str, submission_ids: list[str]) -> None:
    try:
        if submission_ids:
            _redis().delete(*(_input_key(batch_id, sid) for sid in submission_ids))
    except Exception as exc:  # they expire anyway
        log.info("batch %s: inputs not deleted: %s", batch_id, exc)


# --- the batch's own webhook --------------------------------------------------------------

def _queue_webhook(batch_id: str, countdown: float | None = None) -> None:
    from workers.celery_app import WEBHOOK_QUEUE, app

    try:
        app.send_task("reviewer.batch_webhook", args=[batch_id], queue=WEBHOOK_QUEUE, countdown=countdown)
    except Exception as exc:
        log.warning("could not queue webhook of batch %s: %s", batch_id, exc)


def batch_payload(session, batch: Batch) -> bytes:
    from reviewer.batch.rows import count_states, row
    from reviewer.store.batches import item_rows

    counts = count_states([row(it) for it in item_rows(session, batch.id)])
    tenant = session.get(Tenant, batch.tenant_id)
    body = {"type": "batch.completed", "timestamp": (batch.finished_at or utcnow()).isoformat() + "Z",
            "data": {"batch_id": batch.id, "tenant": tenant.name, "status": batch.status, "total": batch.total,
                     "counts": counts, "crosscheck": batch.crosscheck,
                     "links": {"self": f"/v1/batches/{batch.id}",
                               "summary": f"/v1/batches/{batch.id}/summary?format=xlsx"}}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def deliver_webhook(batch_id: str) -> float | None:
    """One attempt; returns the delay before the next one, or None when finished (or not due)."""
    from reviewer.settings import get_settings
    from reviewer.webhooks.delivery import next_retry, send_signed

    settings = get_settings()
    now = utcnow()
    with session_scope() as s:
        # claim the attempt in one UPDATE: the task complete() queued and one the sweep queued may run at
        # once, and a read-then-write lock let both send (two batch.completed webhooks under load)
        claimed = s.execute(
            update(Batch).where(Batch.id == batch_id, Batch.webhook_status == "pending", Batch.status == "done",
                                or_(Batch.webhook_next_at.is_(None), Batch.webhook_next_at <= now))
            .values(webhook_next_at=now + timedelta(seconds=settings.webhook_deadline + 30))).rowcount == 1
        if not claimed:
            return None  # finished, not due, or another attempt holds the lock
        batch = s.get(Batch, batch_id)
        url = batch.callback_url
        secret = s.get(Tenant, batch.tenant_id).webhook_secret
        body = batch_payload(s, batch)
        attempts = list(batch.webhook_attempts or [])
    status_code, error, retry_after, duration_ms = send_signed(url, body, secret, f"msg_batch_{batch_id}", settings)
    ok = status_code is not None and 200 <= status_code < 300
    delay = None
    with session_scope() as s:
        batch = s.get(Batch, batch_id)
        attempts.append({"at": now.isoformat() + "Z", "status_code": status_code, "error": error,
                         "duration_ms": round(duration_ms, 1)})
        batch.webhook_attempts = attempts
        started = batch.finished_at or now
        if ok:
            batch.webhook_status, batch.webhook_next_at = "succeeded", None
        else:
            delay = next_retry(len(attempts), retry_after, (utcnow() - started).total_seconds(), settings)
            if delay is None or status_code == 410:
                batch.webhook_status, batch.webhook_next_at, delay = "failed", None, None
            else:
                batch.webhook_next_at = utcnow() + timedelta(seconds=delay)
    return delay


def sweep_batches() -> dict[str, int]:
    """Completion lost (worker died) or webhook retries due: pick them up again."""
    restarted = webhooks = 0
    now = utcnow()
    with session_scope() as s:
        ids = running_batches(s)
    for bid in ids:
        with session_scope() as s:
            batch = s.get(Batch, bid)
            stale = batch.status == "checking" and batch.finished_at is None and \
                (now - batch.created_at).total_seconds() > CHECKING_STALE
        if batch.status == "running":
            restarted += maybe_complete(bid)
        elif stale:
            _queue_completion(bid)
            restarted += 1
    with session_scope() as s:
        from sqlalchemy import select

        due = list(s.scalars(select(Batch.id).where(Batch.webhook_status == "pending", Batch.status == "done",
                                                    (Batch.webhook_next_at.is_(None)) | (Batch.webhook_next_at <= now))))
    for bid in due:
        _queue_webhook(bid)
        webhooks += 1
    return {"restarted": restarted, "webhooks": webhooks}
