"""Outputs made from the draft are produced here, in the worker — under its time and memory limits —
never by parsing the draft in the API or web process (issue 17). What is asked for, how it is cached
and what the API and the web pages answer meanwhile: reviewer.services.annotated."""

from __future__ import annotations

import logging

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure

from reviewer.services.annotated import UNAVAILABLE, output_review, page_of
from reviewer.settings import get_settings
from reviewer.store.annotated import record, review_sha256
from reviewer.store.db import session_scope
from reviewer.store.models import Blob, ReviewRow, Submission
from workers.celery_app import app

log = logging.getLogger(__name__)

TASK = "reviewer.annotate"


def _render(kind: str, data: bytes, filename: str, shown: dict) -> bytes:
    """The bytes of ``kind`` for the draft ``data`` showing ``shown`` (output_review)."""
    from reviewer.findings import Review

    if kind == "pages":
        from reviewer.render.pdf_pages import page_count

        return str(page_count(data)).encode("ascii")
    if page_of(kind) is not None:
        from reviewer.render.pdf_pages import page_png

        return page_png(data, shown["page"], shown["findings"])
    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes

    return annotated_bytes(kind.removeprefix("fb."), data, read_bytes(data, filename), Review.model_validate(shown))


def produce(submission_id: str, kind: str) -> str:
    """Read the draft and write its output ``kind`` into the store (in a worker pool process)."""
    from reviewer.errors import InputError
    from reviewer.render import AnnotationUnavailable
    from reviewer.render.pdf_pages import PageOutOfRange

    with session_scope() as s:
        sub, row = s.get(Submission, submission_id), s.get(ReviewRow, submission_id)
        if sub is None or row is None:
            return "missing"
        data, filename = s.get(Blob, sub.blob_sha256).data, sub.filename
        shown = output_review(s, sub, row, kind)
    sha = review_sha256(shown)
    content, error = None, None
    try:
        content = _render(kind, data, filename, shown)
    except InputError as exc:
        error = {"code": exc.code, "message_zh": f"该草稿无法读取，没有可批注的文稿：{exc.message_zh}",
                 "message_en": f"the draft could not be read: {exc.message_en}"}
    except AnnotationUnavailable:
        error = UNAVAILABLE
    except PageOutOfRange:
        error = {"code": "page.out_of_range", "message_zh": "PDF 原稿没有这一页", "message_en": "no such page in the PDF"}
    except SoftTimeLimitExceeded:
        error = _timeout_error()
    except MemoryError:
        error = {"code": "annotated.memory_limit", "message_zh": "生成批注文稿所需内存超过上限",
                 "message_en": "producing the annotated draft exceeded the worker's memory limit"}
    with session_scope() as s:
        record(s, submission_id, kind, sha, content, error)
    log.info("annotated %s of %s: %s", kind, submission_id, error["code"] if error else f"{len(content)} bytes")
    return "failed" if error else "done"


def _timeout_error() -> dict:
    limit = get_settings().review_time_limit
    return {"code": "annotated.timeout", "message_zh": f"生成批注文稿超过时间上限（{limit} 秒）",
            "message_en": f"producing the annotated draft exceeded the time limit of {limit} s"}


@app.task(name=TASK)
def annotate(submission_id: str, kind: str) -> str:
    return produce(submission_id, kind)


@task_failure.connect
def _hard_timeout(sender=None, exception=None, args=None, **_kwargs) -> None:
    """The pool process was killed past the hard time limit: record it, so the request ends."""
    if not isinstance(exception, TimeLimitExceeded) or getattr(sender, "name", None) != TASK or not args:
        return
    try:
        with session_scope() as s:
            sub, row = s.get(Submission, args[0]), s.get(ReviewRow, args[0])
            if row is not None:
                record(s, args[0], args[1], review_sha256(output_review(s, sub, row, args[1])), None, _timeout_error())
    except Exception as exc:
        log.warning("could not record the timeout of %s: %s", args, exc)
