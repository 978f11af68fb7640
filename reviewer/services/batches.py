"""Submitting a batch (a zip or many drafts) and reading it back: used by ``/v1/batches`` and the web pages.

Every draft becomes an ordinary submission; the batch adds a deadline-derived queue priority,
progress, the cross-report checks when the last draft is done, and its summaries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope

MAX_BATCH_BYTES = 512 * 1024 * 1024  # one request: a zip of every department's report
MAX_FILES = 2000
CHINA = timezone(timedelta(hours=8))


def parse_deadline(text: str | None) -> datetime | None:
    """ISO date or datetime → naive UTC. A bare date means the end of that day in Beijing time."""
    if not text:
        return None
    try:
        if len(text.strip()) == 10:
            d = datetime.fromisoformat(text.strip()).replace(tzinfo=CHINA) + timedelta(days=1)
        else:
            d = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
            if d.tzinfo is None:
                d = d.replace(tzinfo=CHINA)
        utc = d.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError) as exc:  # OverflowError: 9999-12-31 + 1 day, 0001-01-01T00:00+14:00
        raise ServiceError(422, "request.invalid_deadline", "deadline 须为 ISO 8601 日期或时间，如 2025-01-31",
                           "deadline must be an ISO 8601 date or datetime") from exc
    if not 1970 <= utc.year <= 9000:
        raise ServiceError(422, "request.invalid_deadline", "deadline 超出合理范围（1970–9000 年）",
                           "deadline out of range (years 1970-9000)")
    return utc


def _is_batch_zip(name: str, data: BinaryIO) -> bool:
    """A zip of drafts, as opposed to one .docx (also a zip) sent under some other name."""
    import zipfile

    if name.lower().endswith(".zip"):
        return True
    try:
        data.seek(0)
        if data.read(2) != b"PK" or name.lower().endswith(".docx"):
            return False
        return "word/document.xml" not in zipfile.ZipFile(data).namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        data.seek(0)


def drafts(uploads: list[tuple[str, BinaryIO]], limit: int, check_draft: Callable[[bytes, str, int], None],
           clean_name: Callable[[str], str]) -> list[tuple[str, bytes | None, dict | None]]:
    """Zips are opened safely from the spooled upload (path/size checks; only the entries are read
    into memory); every draft gets the submit checks
    (``check_draft``, from the entry point that read the upload). A refused draft keeps its error."""
    from reviewer.batch.sources import is_draft_name, not_a_draft, read_zip
    from reviewer.errors import InputError

    out: list[tuple[str, bytes | None, dict | None]] = []
    for name, data in uploads:
        data.seek(0)
        if _is_batch_zip(name, data):
            try:
                sources = read_zip(data)
            except InputError as exc:
                raise ServiceError(422, exc.code, exc.message_zh, exc.message_en) from exc
            out.extend((clean_name(s.name), s.data,
                        {"code": s.error.code, "message": s.error.message} if s.error else None) for s in sources)
        elif not is_draft_name(name):  # an .xlsx or a picture among the files: a row that says so (issue 16)
            error = not_a_draft(name)
            out.append((name, None, {"code": error.code, "message": error.message}))
        else:
            out.append((name, data.read(limit + 1), None))  # over the limit: refused by check_draft
    checked = []
    for name, data, error in out:
        if error is None:
            try:
                check_draft(data, name, limit)
            except ServiceError as exc:
                data, error = None, {"code": exc.code, "message": f"{exc.message_zh}（{exc.message_en}）"}
        checked.append((name, data, error))
    check_not_empty(checked)
    return checked


def check_not_empty(checked) -> None:
    """Refuse an upload without a single file that could be a report (every row would say 已跳过)."""
    from reviewer.batch.sources import DRAFT_TYPES_ZH, NOT_A_DRAFT

    if not checked or all(error and error["code"] == NOT_A_DRAFT for _, _, error in checked):
        raise ServiceError(422, "batch.empty", "上传的文件中没有报告：支持 " + "、".join(DRAFT_TYPES_ZH) + "，或它们的 zip 压缩包",
                           "no drafts in the upload")


def submit(engine, tenant_id: int, checked: list, callback: str | None, deadline: datetime | None,
           options: dict):
    """Store the batch and its drafts, then queue them. Returns the stored Batch."""
    from reviewer.store.batches import create_batch
    from workers.batch_jobs import enqueue_items, maybe_complete

    with session_scope(engine) as s:
        batch, queued = create_batch(s, tenant_id, checked, callback, deadline, options)
    enqueue_items(queued, batch.priority)
    if not queued:  # every draft refused up front: the batch is complete already
        maybe_complete(batch.id)
    return batch


def eta_seconds(total_items: int, finished: list[datetime], started: datetime) -> float | None:
    """Remaining items × the batch's own observed pace (time since creation per finished item)."""
    remaining = total_items - len(finished)
    if remaining <= 0:
        return 0.0
    if not finished:
        return None
    pace = (max(finished) - started).total_seconds() / len(finished)
    return round(remaining * pace, 1)


def batch_eta(batch, counts: dict[str, int], finished: list[datetime]) -> float | None:
    """Seconds left: the rows still queued or under review × the batch's own pace so far."""
    if batch.status != "running":
        return 0.0
    return eta_seconds(counts["queued"] + counts["running"] + len(finished), finished, batch.created_at)


def progress(session: Session, batch) -> tuple[list[dict], dict[str, int], float | None]:
    """(rows as ``reviewer.batch.rows.row`` words them, counts by status, ETA) of a batch (issue 16:
    every file a row: reviewed, 无法审核 with the reason and what to do, or 已跳过)."""
    from reviewer.batch.rows import count_states, row
    from reviewer.store.batches import finished_times, item_rows

    rows = [row(it) for it in item_rows(session, batch.id)]
    counts = count_states(rows)
    return rows, counts, batch_eta(batch, counts, finished_times(session, batch.id))


def batch_reviews(session: Session, batch) -> list:
    """The Review of every item, in order (a placeholder failed Review for items not reviewed)."""
    from reviewer.findings import Review, ReviewError
    from reviewer.store.batches import items as batch_items
    from reviewer.store.models import ReviewRow

    out = []
    for it in batch_items(session, batch.id):
        row = session.get(ReviewRow, it.submission_id) if it.submission_id else None
        if row is not None:
            out.append(Review.model_validate(row.review))
        else:
            err = it.error or {"code": "batch.pending", "message": "尚未审核完成（not reviewed yet）"}
            out.append(Review(review_id=it.submission_id or "", source=it.filename, status="failed",
                              error=ReviewError(code=err["code"], message=err["message"])))
    return out


def batch_rounds(session: Session, batch) -> dict:
    """Review id → its version, open counts, delta and decisions, for the batch summaries (issue 15)."""
    from reviewer.services.rounds import rounds_view
    from reviewer.store.batches import items as batch_items
    from reviewer.store.models import ReviewRow, Submission

    out = {}
    for it in batch_items(session, batch.id):
        sub = session.get(Submission, it.submission_id) if it.submission_id else None
        if sub is None:
            continue
        view = rounds_view(session, sub, session.get(ReviewRow, sub.id))
        findings = (view["review"] or {}).get("findings", [])
        out[sub.id] = {"version": view["version"], "open_counts": view["open_counts"], "delta": view["delta"],
                       "decisions": {f["fingerprint"]: f["decision"] for f in findings if f.get("decision")}}
    return out
