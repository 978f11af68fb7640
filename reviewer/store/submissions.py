"""Submission lifecycle in the store: create (idempotent), claim, finish, sweep queries.

A submission's id is also its review id. Claims make the review task idempotent:
a finished submission is never reviewed again, and a redelivered message for a
running one only takes over when the running task is gone (dead process or an
expired lease).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, false, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewer.store.db import utcnow
from reviewer.store.models import Blob, ReviewRow, Submission

FINISHED = ("done", "error")


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request body."""


def put_blob(session: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    values = {"sha256": sha, "size": len(data), "data": data, "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(Blob).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))
    return sha


def request_hash(blob_sha: str, filename: str, options: dict, callback_url: str | None) -> str:
    canon = json.dumps([blob_sha, filename, options, callback_url], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canon.encode()).hexdigest()


def create_submission(session: Session, tenant_id: int, data: bytes, filename: str, options: dict,
                      callback_url: str | None, idempotency_key: str | None) -> tuple[Submission, bool]:
    """Returns (submission, created). Same key + same request → the existing one."""
    sha = put_blob(session, data)
    rhash = request_hash(sha, filename, options, callback_url)
    if idempotency_key:
        existing = _by_key(session, tenant_id, idempotency_key)
        if existing is not None:
            return _same_or_conflict(existing, rhash), False
    now = utcnow()
    sub = Submission(id=uuid.uuid4().hex, tenant_id=tenant_id, blob_sha256=sha, filename=filename,
                     options=options, callback_url=callback_url, idempotency_key=idempotency_key,
                     request_hash=rhash, status="queued", attempts=0, created_at=now, enqueued_at=now)
    try:
        with session.begin_nested():
            session.add(sub)
    except IntegrityError:  # a concurrent request with the same key won the race
        existing = _by_key(session, tenant_id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _same_or_conflict(existing, rhash), False
    return sub, True


def _by_key(session: Session, tenant_id: int, key: str) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.tenant_id == tenant_id,
                                                   Submission.idempotency_key == key))


def _same_or_conflict(existing: Submission, rhash: str) -> Submission:
    if existing.request_hash != rhash:
        raise IdempotencyConflict(existing.id)
    return existing


def get_for_tenant(session: Session, tenant_id: int, submission_id: str,
                   unit_id: int | None = None) -> Submission | None:
    """The tenant's submission; with ``unit_id`` (a 填报单位 or a unit's API key) only that unit's."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.tenant_id != tenant_id or (unit_id is not None and sub.unit_id != unit_id):
        return None
    return sub


# --- worker side -------------------------------------------------------------

def new_claim_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_gone(claim: str | None) -> bool:
    """True when the claim belongs to a process on this host that no longer runs."""
    if not claim:
        return True
    host, _, rest = claim.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child not yet reaped by its parent is a zombie: gone too
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


@dataclass
class Claimed:
    submission_id: str
    filename: str
    options: dict
    data: bytes
    attempt: int  # 1 for the first run; more after a worker died or a lease ran out


def claim(session: Session, submission_id: str, token: str, enqueued_ts: float | None,
          lease_seconds: float) -> Claimed | None:
    """Mark the submission running for ``token``; None when there is nothing to do."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status in FINISHED:
        return None
    now = utcnow()
    if sub.status == "running":
        lease_over = sub.started_at is None or sub.started_at < now - timedelta(seconds=lease_seconds)
        if not (lease_over or _owner_gone(sub.claim)):
            return None  # a live task is on it; this message is a duplicate
    queue_ms = None
    if enqueued_ts is not None:
        queue_ms = max(0.0, (now - datetime.fromtimestamp(enqueued_ts, UTC).replace(tzinfo=None)).total_seconds() * 1000)
    same_claim = Submission.claim.is_(None) if sub.claim is None else Submission.claim == sub.claim
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == sub.status, same_claim)
        .values(status="running", claim=token, started_at=now, attempts=Submission.attempts + 1,
                queue_ms=queue_ms)
    )
    if result.rowcount != 1:
        return None  # another worker claimed it between our read and write
    blob = session.get(Blob, sub.blob_sha256)
    return Claimed(sub.id, sub.filename, dict(sub.options or {}), blob.data, (sub.attempts or 0) + 1)


def finish(session: Session, submission_id: str, token: str, review: dict, counts: dict,
           status: str = "done", error: dict | None = None) -> Submission | None:
    """Store the review, if this claim still holds. Returns the submission or None."""
    now = utcnow()
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == "running", Submission.claim == token)
        .values(status=status, finished_at=now, error=error)
    )
    if result.rowcount != 1:
        return None
    session.add(ReviewRow(submission_id=submission_id, status=review.get("status", "failed"),
                          counts=counts, review=review, created_at=now))
    session.flush()
    return session.get(Submission, submission_id)


def finish_abandoned(session: Session, submission_id: str, review: dict, counts: dict, status: str,
                     error: dict | None) -> Submission | None:
    """Store a failure for a running submission whose process the host has stopped (Celery killed it
    past its hard time limit); None when it is not running. Should the process still finish, its own
    ``finish`` finds the claim taken and its result is dropped."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status != "running":
        return None
    return finish(session, submission_id, sub.claim, review, counts, status, error)


def stuck_ids(session: Session, queued_after: float, lease_seconds: float, limit: int = 500) -> list[str]:
    """Queued longer than ``queued_after`` (message lost?) or running past the lease (task dead)."""
    now = utcnow()
    rows = session.scalars(
        select(Submission.id).where(or_(
            and_(Submission.status == "queued", Submission.enqueued_at < now - timedelta(seconds=queued_after)),
            and_(Submission.status == "running", Submission.started_at < now - timedelta(seconds=lease_seconds)),
        )).limit(limit)
    )
    return list(rows)


def orphaned_ids(session: Session, older_than: float, limit: int = 500) -> list[str]:
    """Running for longer than ``older_than`` under a claim whose process (on this host) is gone: a
    killed worker whose message was lost too (Redis restarted before the re-queued message ran).
    Claims of other hosts wait for the lease."""
    rows = session.execute(select(Submission.id, Submission.claim).where(
        Submission.status == "running", Submission.started_at < utcnow() - timedelta(seconds=older_than))
        .limit(limit)).all()
    return [sid for sid, claim in rows if _owner_gone(claim)]


def running_lease(settings) -> float:
    """How long a running claim is trusted: past the hard time limit the task is surely gone."""
    return settings.review_time_limit + 60.0


def mark_requeued(session: Session, ids: list[str]) -> list[str]:
    """Restart the queued clock of those still queued; returns them (a task may have claimed one)."""
    if not ids:
        return []
    return list(session.scalars(update(Submission).where(Submission.id.in_(ids), Submission.status == "queued")
                                .values(enqueued_at=utcnow()).returning(Submission.id)))


def unstreamed_ids(session: Session, grace: float, limit: int = 500) -> list[str]:
    """Finished, not (or no longer) on the stream; oldest first, so a rebuilt stream keeps the order."""
    deadline = utcnow() - timedelta(seconds=grace)
    return list(session.scalars(
        select(Submission.id).where(Submission.status.in_(FINISHED), Submission.streamed_at.is_(None),
                                    Submission.finished_at < deadline)
        .order_by(Submission.finished_at, Submission.id).limit(limit)
    ))


def forget_lost_stream(session: Session, epoch: str, keep: int) -> int:
    """Entries recorded in another epoch than ``epoch`` were in a stream Redis no longer has: mark the
    newest ``keep`` of them (the stream's length cap; older ones had been trimmed anyway) unstreamed,
    so the sweep publishes them again. Returns how many. Two range conditions instead of ``!=`` so
    the index on stream_epoch serves the query that runs at every sweep."""
    other = or_(Submission.stream_epoch < epoch, Submission.stream_epoch > epoch)
    newest = list(session.scalars(select(Submission.id).where(other, Submission.streamed_at.is_not(None))
                                  .order_by(Submission.streamed_at.desc()).limit(keep)))
    if newest:
        session.execute(update(Submission).where(Submission.id.in_(newest))
                        .values(streamed_at=None, stream_epoch=None))
    session.execute(update(Submission).where(other).values(stream_epoch=None))  # trimmed before: leave them
    return len(newest)


# --- the cursor feed (GET /v1/reviews?since=) --------------------------------

FEED_LOCK = 0x7265766965  # PostgreSQL advisory lock: one numbering transaction at a time


def number_finished(session: Session, limit: int = 1000) -> int:
    """Give finished submissions their feed position, in one serialized transaction at a time, so
    positions grow in commit order: a reader that has seen position n never finds a new n - 1 later.
    Returns how many were numbered. Call in a transaction of its own; commit right after."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK})
    else:  # SQLite: take the database's write lock before reading the current maximum
        session.execute(update(Submission).where(false()).values(feed_seq=None))
    todo = list(session.scalars(select(Submission.id).where(Submission.status.in_(FINISHED),
                                                             Submission.feed_seq.is_(None))
                                .order_by(Submission.finished_at, Submission.id).limit(limit)))
    if todo:
        top = session.scalar(select(func.max(Submission.feed_seq))) or 0
        session.execute(update(Submission), [{"id": sid, "feed_seq": top + i} for i, sid in enumerate(todo, 1)])
    return len(todo)


def feed_page(session: Session, tenant_id: int, after: int, limit: int) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.tenant_id == tenant_id,
                                                         Submission.feed_seq > after)
                                .order_by(Submission.feed_seq).limit(limit)))
