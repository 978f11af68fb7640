"""Annotated drafts (docx/html/pdf) as the worker produced them, one row per submission and format.

A row belongs to one version of the review (``review_sha256``): when cross-report checks add
findings to a review, its cached outputs are stale and are produced again on the next request.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from reviewer.store.db import utcnow
from reviewer.store.models import Base


class AnnotatedOutput(Base):
    __tablename__ = "annotated_outputs"

    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    format: Mapped[str] = mapped_column(String(8), primary_key=True)  # docx | html | pdf
    review_sha256: Mapped[str] = mapped_column(String(64))  # the review it annotates
    status: Mapped[str] = mapped_column(String(16))  # pending | done | failed
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # {code, message_zh, message_en}
    requested_at: Mapped[datetime] = mapped_column(DateTime())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(), nullable=True)


def review_sha256(review: dict) -> str:
    return hashlib.sha256(json.dumps(review, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def current(session: Session, submission_id: str, fmt: str, sha: str) -> AnnotatedOutput | None:
    """The row for this version of the review, if any."""
    row = session.get(AnnotatedOutput, (submission_id, fmt))
    return row if row is not None and row.review_sha256 == sha else None


def mark_requested(session: Session, submission_id: str, fmt: str, sha: str) -> None:
    """Pending for this review version (a new row, or a stale or lost request renewed)."""
    row = session.get(AnnotatedOutput, (submission_id, fmt))
    if row is None:
        session.add(AnnotatedOutput(submission_id=submission_id, format=fmt, review_sha256=sha, status="pending",
                                    requested_at=utcnow()))
    else:
        row.review_sha256, row.status, row.data, row.error = sha, "pending", None, None
        row.requested_at, row.finished_at = utcnow(), None


def record(session: Session, submission_id: str, fmt: str, sha: str, data: bytes | None = None,
           error: dict | None = None) -> None:
    row = session.get(AnnotatedOutput, (submission_id, fmt))
    if row is None:
        row = AnnotatedOutput(submission_id=submission_id, format=fmt, requested_at=utcnow())
        session.add(row)
    row.review_sha256, row.data, row.error = sha, data, error
    row.status, row.finished_at = ("failed" if error else "done"), utcnow()
