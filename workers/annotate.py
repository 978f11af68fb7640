"""Annotated drafts are produced here, in the worker — under its time and memory limits — never by
parsing the draft in the API process (issue 17). The API and the web pages ask ``request_output``:
a cached output of the current review is returned, a draft that could not be reviewed (or a PDF
asked of a non-PDF) is refused at once without reading it, anything else becomes a
``reviewer.annotate`` task (queue priority 0, like a single review) whose result is cached in the
store (reviewer.store.annotated)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure

from reviewer.settings import get_settings
from reviewer.store.annotated import current, mark_requested, record, review_sha256
from reviewer.store.db import session_scope, utcnow
from reviewer.store.models import Blob, ReviewRow, Submission
from workers.celery_app import REVIEW_QUEUE, app

log = logging.getLogger(__name__)

TASK = "reviewer.annotate"
RESEND_AFTER = timedelta(seconds=120)  # a pending request older than this lost its message: sent again
UNAVAILABLE = {"code": "annotated.unavailable",
               "message_zh": "只有 PDF 原稿才能输出带批注的 PDF；请改用 docx 或 html 格式",
               "message_en": "an annotated PDF can only be made from a PDF draft; use docx or html"}


@dataclass
class Outcome:
    status: str  # done | failed | pending | not_ready
    data: bytes | None = None
    error: dict | None = None  # {code, message_zh, message_en}


def _split(message: str) -> tuple[str, str]:
    from reviewer.errors import chinese_part

    zh = chinese_part(message)
    return zh, message[len(zh):].strip("（）") or zh


def request_output(engine, submission_id: str, fmt: str) -> Outcome:
    """What the API answers now for this submission's annotated ``fmt`` (the caller checked the tenant)."""
    with session_scope(engine) as s:
        sub = s.get(Submission, submission_id)
        row = s.get(ReviewRow, submission_id)
        if sub is None or row is None:
            return Outcome("not_ready")
        if row.status != "ok":  # the worker refused the draft: nothing to annotate, nothing to read
            err = row.review.get("error") or {"code": "review.failed", "message": "草稿无法审核（the draft was not reviewed）"}
            zh, en = _split(err.get("message", ""))
            return Outcome("failed", error={"code": err.get("code", "review.failed"),
                                            "message_zh": f"该草稿无法审核，没有可批注的文稿：{zh}",
                                            "message_en": f"the draft could not be reviewed: {en}"})
        if fmt == "pdf" and b"%PDF-" not in s.get(Blob, sub.blob_sha256).data[:1024]:
            return Outcome("failed", error=UNAVAILABLE)
        sha = review_sha256(row.review)
        out = current(s, submission_id, fmt, sha)
        if out is not None and out.status == "done":
            return Outcome("done", data=out.data)
        if out is not None and out.status == "failed":
            return Outcome("failed", error=out.error)
        if out is not None and utcnow() - out.requested_at < RESEND_AFTER:
            return Outcome("pending")
        mark_requested(s, submission_id, fmt, sha)
    try:
        app.send_task(TASK, args=[submission_id, fmt], queue=REVIEW_QUEUE, priority=0)
    except Exception as exc:  # broker down: asked again after RESEND_AFTER
        log.warning("could not queue annotated %s of %s: %s", fmt, submission_id, exc)
    return Outcome("pending")


async def wait_for_output(engine, submission_id: str, fmt: str, wait: float, poll: float = 0.2) -> Outcome:
    """``request_output``, asked again every ``poll`` seconds for up to ``wait`` seconds while pending
    (for the API and the web pages; the store calls run off the event loop)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        outcome = await asyncio.to_thread(request_output, engine, submission_id, fmt)
        if outcome.status != "pending" or loop.time() >= deadline:
            return outcome
        await asyncio.sleep(poll)


def produce(submission_id: str, fmt: str) -> str:
    """Read the draft and write its annotated ``fmt`` into the store (in a worker pool process)."""
    from reviewer.errors import InputError
    from reviewer.findings import Review
    from reviewer.ingest import read_bytes
    from reviewer.render import AnnotationUnavailable, annotated_bytes

    with session_scope() as s:
        sub, row = s.get(Submission, submission_id), s.get(ReviewRow, submission_id)
        if sub is None or row is None:
            return "missing"
        data, filename, review = s.get(Blob, sub.blob_sha256).data, sub.filename, row.review
    sha = review_sha256(review)
    content, error = None, None
    try:
        doc = read_bytes(data, filename)
        content = annotated_bytes(fmt, data, doc, Review.model_validate(review))
    except InputError as exc:
        error = {"code": exc.code, "message_zh": f"该草稿无法读取，没有可批注的文稿：{exc.message_zh}",
                 "message_en": f"the draft could not be read: {exc.message_en}"}
    except AnnotationUnavailable:
        error = UNAVAILABLE
    except SoftTimeLimitExceeded:
        error = _timeout_error()
    except MemoryError:
        error = {"code": "annotated.memory_limit", "message_zh": "生成批注文稿所需内存超过上限",
                 "message_en": "producing the annotated draft exceeded the worker's memory limit"}
    with session_scope() as s:
        record(s, submission_id, fmt, sha, content, error)
    log.info("annotated %s of %s: %s", fmt, submission_id, error["code"] if error else f"{len(content)} bytes")
    return "failed" if error else "done"


def _timeout_error() -> dict:
    limit = get_settings().review_time_limit
    return {"code": "annotated.timeout", "message_zh": f"生成批注文稿超过时间上限（{limit} 秒）",
            "message_en": f"producing the annotated draft exceeded the time limit of {limit} s"}


@app.task(name=TASK)
def annotate(submission_id: str, fmt: str) -> str:
    return produce(submission_id, fmt)


@task_failure.connect
def _hard_timeout(sender=None, exception=None, args=None, **_kwargs) -> None:
    """The pool process was killed past the hard time limit: record it, so the request ends."""
    if not isinstance(exception, TimeLimitExceeded) or getattr(sender, "name", None) != TASK or not args:
        return
    try:
        with session_scope() as s:
            row = s.get(ReviewRow, args[0])
            if row is not None:
                record(s, args[0], args[1], review_sha256(row.review), None, _timeout_error())
    except Exception as exc:
        log.warning("could not record the timeout of annotated %s: %s", args, exc)
