"""Submitting one draft: checks that need the store or the network, store first, then queue.

Used by ``POST /v1/reviews`` and the web form alike; both have read and checked the upload already.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.services.errors import ServiceError
from reviewer.store.db import session_scope
from reviewer.store.models import Submission

MAX_KEY = 200


def check_callback(url: str, allowlist: str) -> None:
    """The callback URL resolves to a public address (or one the allowlist names); 422 otherwise."""
    from reviewer.webhooks.ssrf import Allowlist, UnsafeURL, check_url

    try:
        check_url(url, Allowlist.parse(allowlist))
    except UnsafeURL as exc:
        raise ServiceError(422, exc.code, exc.message_zh, exc.message_en) from exc


def report_key_text(value) -> str | None:
    """A client's own name for a report (``wuhai-gxj-2023``): 1–200 printable characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_KEY or not value.strip() \
            or any(ch < " " or ch == "\x7f" or ch in "/\\?#" for ch in value):
        raise ServiceError(422, "request.invalid_report_key",
                           "report_key 须为 1–200 个字符，不含控制字符与 / \\ ? #",
                           "report_key must be 1-200 characters without control characters or / \\ ? #")
    return value.strip()


def review_id_text(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.isalnum() or len(value) > 32:
        raise ServiceError(404, "review.not_found", "未找到 previous_review_id 指定的审核",
                           "previous_review_id: review not found")
    return value


@dataclass
class Submitted:
    submission: Submission
    created: bool  # False: the same Idempotency-Key and request were seen before


def _unit_for(s, tenant_id: int, ref: str | None, own_unit_id: int | None) -> int | None:
    from reviewer.services.units import UnitError, submission_unit

    try:
        return submission_unit(s, tenant_id, ref, own_unit_id)
    except UnitError as exc:
        raise ServiceError(422, "unit.invalid", exc.message_zh, exc.message_en) from None


def submit(engine, tenant_id: int, data: bytes, filename: str, options: dict, callback_url: str | None,
           idempotency_key: str | None = None, *, report_key: str | None = None,
           previous_review_id: str | None = None, submitted_by: str | None = None,
           unit_id: int | None = None, unit: str | None = None) -> Submitted:
    """Store the draft, then queue its review (an accepted draft is never lost if the broker is down).

    ``report_key`` / ``previous_review_id`` name the report this draft is a new version of; without
    them the worker links it by the agency and year it reads from the draft. ``unit_id``: the unit the
    submitter is limited to (a 填报单位 or a unit's API key): the draft is that unit's, and only that
    unit's reviews can be named as its previous version. ``unit``: the unit the draft is for, named by
    id or name (issue 16); it wins over the agency name read from the draft (422 when unknown, or when a
    unit-limited submitter names another unit).
    """
    from reviewer.store.submissions import IdempotencyConflict, create_submission, get_for_tenant

    options = dict(options)
    if report_key:
        options["report_key"] = report_key
    if previous_review_id:
        options["previous_review_id"] = previous_review_id
    try:
        with session_scope(engine) as s:
            if previous_review_id and get_for_tenant(s, tenant_id, previous_review_id, unit_id) is None:
                raise ServiceError(404, "review.not_found", "未找到 previous_review_id 指定的审核",
                                   "previous_review_id: review not found")
            target = _unit_for(s, tenant_id, unit, unit_id)
            sub, created = create_submission(s, tenant_id, data, filename, options, callback_url, idempotency_key)
            if created and submitted_by:
                sub.submitted_by = submitted_by[:200]
            if created and target is not None:
                sub.unit_id = target
    except IdempotencyConflict as exc:
        raise ServiceError(409, "idempotency.conflict", "该 Idempotency-Key 已用于内容不同的请求",
                           f"Idempotency-Key already used with a different request (submission {exc})") from exc
    if created:  # committed above; only now queued
        from workers.celery_app import enqueue_review

        enqueue_review(sub.id)
    return Submitted(sub, created)


def send_delivery(delivery_id: int) -> None:
    """Queue a webhook delivery (after ``POST /v1/reviews/{id}/redeliver`` committed it)."""
    from workers.celery_app import enqueue_delivery

    enqueue_delivery(delivery_id)
