"""Batches in the store (issue 5): a set of submissions reviewed together.

Each draft of a batch is an ordinary submission (same review task, same
``/v1/reviews/{id}``); the batch links them, keeps its deadline-derived queue
priority, and records when every item finished, the cross-report results and
its own webhook's attempts. A draft refused before review (unsafe zip entry,
unreadable) is an item without a submission, carrying its error.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from reviewer.store.db import utcnow
from reviewer.store.models import Base, ReviewRow, Submission
from reviewer.store.submissions import create_submission

# Celery on Redis: priority 0 runs first. Single reviews carry no priority (0): a person waits.
# Batch items get 1 (deadline within the hour) … 9 (no deadline): earlier deadlines first.
_HORIZONS = [(timedelta(hours=1), 1), (timedelta(hours=6), 2), (timedelta(days=1), 3), (timedelta(days=3), 4),
             (timedelta(days=7), 5), (timedelta(days=14), 6), (timedelta(days=31), 7)]
LATE_PRIORITY, NO_DEADLINE_PRIORITY = 8, 9


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    priority: Mapped[int] = mapped_column(Integer)
    options: Mapped[dict] = mapped_column(JSON)
    # running → checking (all items finished, cross-report checks under way) → done
    status: Mapped[str] = mapped_column(String(16), index=True)
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)
    crosscheck: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # pending → succeeded | failed; None without a callback
    webhook_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    webhook_attempts: Mapped[list | None] = mapped_column(JSON, nullable=True)
    webhook_next_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


class BatchItem(Base):
    __tablename__ = "batch_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(500))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"), nullable=True, index=True)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # {"code","message"} when refused up front


def priority_for(deadline: datetime | None, now: datetime | None = None) -> int:
    if deadline is None:
        return NO_DEADLINE_PRIORITY
    left = deadline - (now or utcnow())
    if left <= timedelta(0):
        return 1  # already late: as urgent as it gets
    for horizon, prio in _HORIZONS:
        if left <= horizon:
            return prio
    return LATE_PRIORITY


def create_batch(session: Session, tenant_id: int, drafts: list[tuple[str, bytes | None, dict | None]],
                 callback_url: str | None, deadline: datetime | None, options: dict) -> tuple[Batch, list[str]]:
    """``drafts``: (filename, data or None, error or None). Returns the batch and submission ids to queue."""
    now = utcnow()
    batch = Batch(id=uuid.uuid4().hex, tenant_id=tenant_id, callback_url=callback_url, deadline=deadline,
                  priority=priority_for(deadline, now), options=options, status="running", total=len(drafts),
                  created_at=now, webhook_status="pending" if callback_url else None)
    session.add(batch)
    session.flush()
    queued = []
    for pos, (name, data, error) in enumerate(drafts):
        sub_id = None
        if data is not None and error is None:
            sub, _ = create_submission(session, tenant_id, data, name, options, None, None)
            sub_id = sub.id
            queued.append(sub.id)
        session.add(BatchItem(batch_id=batch.id, position=pos, filename=name[:500], submission_id=sub_id,
                              error=error))
    session.flush()
    return batch, queued


def get_batch(session: Session, tenant_id: int, batch_id: str) -> Batch | None:
    b = session.get(Batch, batch_id)
    return b if b is not None and b.tenant_id == tenant_id else None


def batch_of(session: Session, submission_id: str) -> str | None:
    return session.scalar(select(BatchItem.batch_id).where(BatchItem.submission_id == submission_id).limit(1))


def items(session: Session, batch_id: str) -> list[BatchItem]:
    return list(session.scalars(select(BatchItem).where(BatchItem.batch_id == batch_id)
                                .order_by(BatchItem.position)))


def status_counts(session: Session, batch_id: str) -> dict[str, int]:
    """Items by state: queued, running, done (reviewed), failed (refused up front, unreadable
    draft, or internal error)."""
    rows = session.execute(
        select(Submission.status, ReviewRow.status, func.count())
        .join(BatchItem, BatchItem.submission_id == Submission.id)
        .outerjoin(ReviewRow, ReviewRow.submission_id == Submission.id)
        .where(BatchItem.batch_id == batch_id).group_by(Submission.status, ReviewRow.status)
    ).all()
    out = {"queued": 0, "running": 0, "done": 0, "failed": 0}
    for sub_status, review_status, n in rows:
        if sub_status == "done" and review_status == "ok":
            out["done"] += n
        elif sub_status in ("done", "error"):
            out["failed"] += n
        else:
            out[sub_status if sub_status in out else "queued"] += n
    out["failed"] += session.scalar(select(func.count()).select_from(BatchItem).where(
        BatchItem.batch_id == batch_id, BatchItem.submission_id.is_(None))) or 0
    return out


def item_rows(session: Session, batch_id: str) -> list[dict]:
    """Per item: filename, review id, state and counts — without loading the reviews themselves.
    ``status`` is the store's: queued | running | done (reviewed) | failed (not reviewed: refused up
    front, unreadable or internal error; ``error`` says which, from the item, the failed review or
    the submission). Pages and the API word it with ``reviewer.batch.rows``."""
    review_error = ReviewRow.review[("error", "code")].as_string()
    review_message = ReviewRow.review[("error", "message")].as_string()
    rows = session.execute(
        select(BatchItem.filename, BatchItem.submission_id, BatchItem.error, Submission.status, Submission.error,
               ReviewRow.status, ReviewRow.counts, review_error, review_message)
        .outerjoin(Submission, Submission.id == BatchItem.submission_id)
        .outerjoin(ReviewRow, ReviewRow.submission_id == BatchItem.submission_id)
        .where(BatchItem.batch_id == batch_id).order_by(BatchItem.position)
    ).all()
    out = []
    for filename, sid, error, sub_status, sub_error, review_status, counts, r_code, r_message in rows:
        if sid is None:
            state = "failed"
        elif sub_status == "done":
            state = "done" if review_status == "ok" else "failed"
            if review_status == "failed" and r_code:
                error = {"code": r_code, "message": r_message or ""}
        else:
            state = "failed" if sub_status == "error" else sub_status
            error = sub_error if sub_status == "error" else None
        out.append({"filename": filename, "review_id": sid, "status": state,
                    "counts": counts if state == "done" else None, "error": error})
    return out


def finished_times(session: Session, batch_id: str) -> list[datetime]:
    return list(session.scalars(
        select(Submission.finished_at).join(BatchItem, BatchItem.submission_id == Submission.id)
        .where(BatchItem.batch_id == batch_id, Submission.finished_at.is_not(None))
    ))


def start_checking(session: Session, batch_id: str) -> bool:
    """running → checking, exactly once however many workers notice the last item finish."""
    result = session.execute(update(Batch).where(Batch.id == batch_id, Batch.status == "running")
                             .values(status="checking"))
    return result.rowcount == 1


def running_batches(session: Session, limit: int = 100) -> list[str]:
    return list(session.scalars(select(Batch.id).where(Batch.status.in_(("running", "checking"))).limit(limit)))
