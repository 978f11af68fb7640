"""Outputs made from the draft itself — annotated docx/html/pdf, the feedback package's annotated
drafts, a PDF draft's page images and page count — are produced by the worker under its time and
memory limits (workers/annotate.py) and cached in the store (reviewer.store.annotated). The API and
the web pages never parse a draft (issue 17): they ask ``request_output`` here. A cached output of
the current review is returned, a draft that could not be reviewed (or a PDF output asked of a
non-PDF) is refused at once without reading it, anything else becomes a ``reviewer.annotate`` task.

Kinds (the store's ``format`` column, at most 8 characters):

* ``docx`` | ``html`` | ``pdf`` — the annotated draft of the review as stored;
* ``fb.docx`` | ``fb.pdf`` — the feedback package's annotated draft: dismissed findings left out;
* ``pages`` — a PDF draft's page count (ASCII digits); ``p<n>`` — page n as a PNG, its findings
  boxed (dismissed ones grey).

Each kind is cached for one version of what it shows (``output_review``): a decision or a finding
added by a cross-report check makes the output stale, produced again on the next request.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from reviewer.render import AnnotationUnavailable

log = logging.getLogger(__name__)

RESEND_AFTER = timedelta(seconds=120)  # a pending request older than this lost its message: sent again
DRAFT_KINDS = ("docx", "html", "pdf")
PDF_KINDS = ("pdf", "fb.pdf", "pages")
_PAGE = re.compile(r"^p([1-9][0-9]{0,6})$")
UNAVAILABLE = {"code": "annotated.unavailable", "message_zh": AnnotationUnavailable.message_zh,
               "message_en": AnnotationUnavailable.message_en}


@dataclass
class Outcome:
    status: str  # done | failed | pending | not_ready
    data: bytes | None = None
    error: dict | None = None  # {code, message_zh, message_en}


def page_kind(page_no: int) -> str:
    return f"p{page_no}"


def page_of(kind: str) -> int | None:
    m = _PAGE.match(kind)
    return int(m.group(1)) if m else None


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def output_review(s: Session, sub, row, kind: str) -> dict:
    """What the output of ``kind`` shows (the worker renders it, the cache key is its hash)."""
    if kind.startswith("fb."):
        from reviewer.services.feedback import open_review

        return open_review(s, sub, row.review).model_dump(mode="json")
    if kind == "pages":
        return {}
    if page_of(kind) is not None:
        from reviewer.services.rounds import rounds_view

        return {"page": page_of(kind), "findings": rounds_view(s, sub, row)["review"]["findings"]}
    return row.review


def _split(message: str) -> tuple[str, str]:
    from reviewer.errors import chinese_part

    zh = chinese_part(message)
    return zh, message[len(zh):].strip("（）") or zh


def _refusal(s: Session, sub, row, kind: str) -> dict | None:
    from reviewer.store.models import Blob

    if row.status != "ok":  # the worker refused the draft: nothing to annotate, nothing to read
        err = row.review.get("error") or {"code": "review.failed", "message": "草稿无法审核（the draft was not reviewed）"}
        zh, en = _split(err.get("message", ""))
        return {"code": err.get("code", "review.failed"), "message_zh": f"该草稿无法审核，没有可批注的文稿：{zh}",
                "message_en": f"the draft could not be reviewed: {en}"}
    if (kind in PDF_KINDS or page_of(kind)) and not is_pdf(s.get(Blob, sub.blob_sha256).data):
        return UNAVAILABLE
    return None


def request_output(engine, submission_id: str, kind: str) -> Outcome:
    """What to answer now for this submission's output ``kind`` (the caller checked the tenant)."""
    from reviewer.store.annotated import current, mark_requested, review_sha256
    from reviewer.store.db import session_scope, utcnow
    from reviewer.store.models import ReviewRow, Submission

    with session_scope(engine) as s:
        sub = s.get(Submission, submission_id)
        row = s.get(ReviewRow, submission_id)
        if sub is None or row is None:
            return Outcome("not_ready")
        refused = _refusal(s, sub, row, kind)
        if refused is not None:
            return Outcome("failed", error=refused)
        sha = review_sha256(output_review(s, sub, row, kind))
        out = current(s, submission_id, kind, sha)
        if out is not None and out.status == "done":
            return Outcome("done", data=out.data)
        if out is not None and out.status == "failed":
            return Outcome("failed", error=out.error)
        if out is not None and utcnow() - out.requested_at < RESEND_AFTER:
            return Outcome("pending")
        mark_requested(s, submission_id, kind, sha)
    try:
        from workers.celery_app import enqueue_annotate

        enqueue_annotate(submission_id, kind)
    except Exception as exc:  # broker down: asked again after RESEND_AFTER
        log.warning("could not queue %s of %s: %s", kind, submission_id, exc)
    return Outcome("pending")


async def poll(ask, wait: float, every: float = 0.2):
    """``ask()`` (a blocking call, run off the event loop) again every ``every`` seconds for up to
    ``wait`` seconds while its answer's ``status`` is pending."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        outcome = await asyncio.to_thread(ask)
        if outcome.status != "pending" or loop.time() >= deadline:
            return outcome
        await asyncio.sleep(every)


async def wait_for_output(engine, submission_id: str, kind: str, wait: float, every: float = 0.2) -> Outcome:
    """``request_output`` asked again while pending, for up to ``wait`` seconds."""
    return await poll(lambda: request_output(engine, submission_id, kind), wait, every)
