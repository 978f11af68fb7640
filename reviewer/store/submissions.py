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

from sqlalchemy import and_, or_, select, update
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


def running_lease(settings) -> float:
    """How long a running claim is trusted: past the hard time limit the task is surely gone."""
    return settings.review_time_limit + 60.0


def mark_requeued(session: Session, ids: list[str]) -> None:
    if ids:
        session.execute(update(Submission).where(Submission.id.in_(ids), Submission.status == "queued")
                        .values(enqueued_at=utcnow()))


def unstreamed_ids(session: Session, grace: float, limit: int = 500) -> list[str]:
    deadline = utcnow() - timedelta(seconds=grace)
    return list(session.scalars(
        select(Submission.id).where(Submission.status.in_(FINISHED), Submission.streamed_at.is_(None),
                                    Submission.finished_at < deadline).limit(limit)
    ))
