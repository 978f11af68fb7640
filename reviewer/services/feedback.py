"""The feedback package of a batch (issue 16): what goes in it, read from the store for one tenant.

Every file of the batch that is a report — reviewed, or meant as one but unreadable — is a unit
of the package; files skipped as not reports (an .xlsx, a README) are left out. The unit is named
as in the roster when the draft is attached to one, else by the agency the reviewer read from the
draft, else by the file name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from reviewer.findings import Review
from reviewer.render.package import PackageDraft, feedback_zip
from reviewer.services.errors import ServiceError

CHINA = timezone(timedelta(hours=8))


def open_review(s: Session, sub, stored: dict) -> Review:
    """The review as it is sent back: findings dismissed (不采纳, issue 15) are left out."""
    from reviewer.fingerprint import ensure_fingerprints
    from reviewer.services.rounds import decisions_of

    review = ensure_fingerprints(dict(stored, findings=[dict(f) for f in stored.get("findings", [])]))
    decided = decisions_of(s, sub.report_id)
    review["findings"] = [f for f in review["findings"]
                          if not (f["fingerprint"] in decided and decided[f["fingerprint"]].decision == "dismissed")]
    return Review.model_validate(review)


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def batch_drafts(session: Session, batch) -> list[PackageDraft]:
    from reviewer.batch.rows import row
    from reviewer.store.batches import item_rows
    from reviewer.store.models import Blob, ReviewRow, Submission, Unit

    out = []
    for item in item_rows(session, batch.id):
        r = row(item)
        if r["status"] == "skipped":
            continue
        stem = PurePosixPath(r["filename"]).stem
        if r["status"] != "done":
            out.append(PackageDraft("", r["filename"], None, None, reason=r["reason"], advice=r["advice"]))
            continue
        stored = session.get(ReviewRow, r["review_id"])
        sub = session.get(Submission, r["review_id"])
        review = open_review(session, sub, stored.review)
        unit = session.get(Unit, sub.unit_id) if sub.unit_id else None  # the roster's name, when attached
        out.append(PackageDraft(unit.name if unit else review.report.agency or stem, r["filename"],
                                session.get(Blob, sub.blob_sha256).data, review))
    return out


def resubmit_date(text: str | None) -> date | None:
    """``resubmit_by`` (YYYY-MM-DD) → date; None when absent."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ServiceError(422, "request.invalid_date", "修改稿报送截止日期须为日期，如 2025-01-25",
                           "resubmit_by must be a date such as 2025-01-25") from exc


def batch_package(engine, tenant_id: int, batch_id: str, sender: str, resubmit_by: date | None = None,
                  issued: date | None = None) -> bytes:
    """The zip for a finished batch. The drafts are read in one short session; annotating them
    (reading each draft again) happens after it is closed."""
    from reviewer.store.batches import get_batch
    from reviewer.store.db import session_scope

    with session_scope(engine) as s:
        batch = get_batch(s, tenant_id, batch_id)
        if batch is None:
            raise ServiceError(404, "batch.not_found", "未找到该批次", "batch not found")
        if batch.status != "done":
            raise ServiceError(409, "batch.not_ready", f"批次尚未完成（当前状态：{batch.status}），完成后可下载反馈包",
                               f"batch not finished yet (status {batch.status})")
        drafts = batch_drafts(s, batch)
    return feedback_zip(drafts, sender, issued or today_in_china(), resubmit_by)


def unit_drafts(s: Session, tenant_id: int, year: int, unit_ids: list[int]) -> list[PackageDraft]:
    """The selected units' latest report of ``year`` (as on the board). A unit that has not submitted
    gets a notice that says so; one whose latest draft is still being reviewed is left out."""
    from reviewer.batch.rows import advice, reason_zh
    from reviewer.services.board import unit_rows
    from reviewer.store.models import Blob, ReviewRow, Submission

    wanted = set(unit_ids)
    out = []
    for u in unit_rows(s, tenant_id, year):
        if u["id"] not in wanted:
            continue
        if u["latest_review_id"] is None:
            out.append(PackageDraft(u["name"], "", None, None, missing=True))
            continue
        stored = s.get(ReviewRow, u["latest_review_id"])
        if stored is None:
            continue
        sub = s.get(Submission, u["latest_review_id"])
        review = open_review(s, sub, stored.review)
        if review.status != "ok":
            code = review.error.code if review.error else None
            out.append(PackageDraft(u["name"], sub.filename, None, None,
                                    reason=reason_zh(review.error.message if review.error else ""), advice=advice(code)))
            continue
        out.append(PackageDraft(u["name"], sub.filename, s.get(Blob, sub.blob_sha256).data, review))
    return out


def units_package(engine, tenant_id: int, year: int, unit_ids: list[int], sender: str,
                  resubmit_by: date | None = None, issued: date | None = None) -> bytes:
    """The zip for units chosen on the board (404 when none of the ids is one of the tenant's units)."""
    from reviewer.services.units import get_unit
    from reviewer.store.db import session_scope

    unit_ids = [u for u in unit_ids if 0 < u < 2**31][:500]
    with session_scope(engine) as s:
        if not any(get_unit(s, tenant_id, uid) for uid in unit_ids):
            raise ServiceError(404, "unit.not_found", "未找到所选单位", "no such unit")
        drafts = unit_drafts(s, tenant_id, year, unit_ids)
    return feedback_zip(drafts, sender, issued or today_in_china(), resubmit_by, year)


def package_name(issued: date | None = None) -> str:
    return f"审核意见反馈包-{(issued or today_in_china()).isoformat()}.zip"
