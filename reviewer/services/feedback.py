"""The feedback package of a batch (issue 16): what goes in it, read from the store for one tenant.

Every file of the batch that is a report — reviewed, or meant as one but unreadable — is a unit
of the package; files skipped as not reports (an .xlsx, a README) are left out. The unit is named
by the agency the reviewer read from the draft, else by the file name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from reviewer.findings import Review
from reviewer.render.package import PackageDraft, feedback_zip

CHINA = timezone(timedelta(hours=8))
RESUBMIT_DAYS = 7  # default time given to resubmit


class NotReady(Exception):
    """The batch is still being reviewed."""


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def batch_drafts(session: Session, batch) -> list[PackageDraft]:
    from reviewer.batch.rows import row
    from reviewer.store.batches import item_rows
    from reviewer.store.models import Blob, ReviewRow, Submission

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
        review = Review.model_validate(stored.review)
        out.append(PackageDraft(review.report.agency or stem, r["filename"],
                                session.get(Blob, sub.blob_sha256).data, review))
    return out


class NotFound(Exception):
    """No such batch for this tenant (another tenant's batch is the same)."""


def batch_package(engine, tenant_id: int, batch_id: str, sender: str, resubmit_by: date | None = None,
                  issued: date | None = None) -> bytes:
    """The zip for a finished batch. The drafts are read in one short session; annotating them
    (reading each draft again) happens after it is closed."""
    from reviewer.store.batches import get_batch
    from reviewer.store.db import session_scope

    with session_scope(engine) as s:
        batch = get_batch(s, tenant_id, batch_id)
        if batch is None:
            raise NotFound(batch_id)
        if batch.status != "done":
            raise NotReady(batch.status)
        drafts = batch_drafts(s, batch)
    issued = issued or today_in_china()
    return feedback_zip(drafts, sender, issued, resubmit_by or issued + timedelta(days=RESUBMIT_DAYS))


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
        review = Review.model_validate(stored.review)
        if review.status != "ok":
            code = review.error.code if review.error else None
            out.append(PackageDraft(u["name"], sub.filename, None, None,
                                    reason=reason_zh(review.error.message if review.error else ""), advice=advice(code)))
            continue
        out.append(PackageDraft(u["name"], sub.filename, s.get(Blob, sub.blob_sha256).data, review))
    return out


def units_package(engine, tenant_id: int, year: int, unit_ids: list[int], sender: str,
                  resubmit_by: date | None = None, issued: date | None = None) -> bytes:
    """The zip for units chosen on the board. Raises NotFound when none of the ids is the tenant's unit."""
    from reviewer.services.units import get_unit
    from reviewer.store.db import session_scope

    with session_scope(engine) as s:
        if not any(get_unit(s, tenant_id, uid) for uid in unit_ids):
            raise NotFound(unit_ids)
        drafts = unit_drafts(s, tenant_id, year, unit_ids)
    issued = issued or today_in_china()
    return feedback_zip(drafts, sender, issued, resubmit_by or issued + timedelta(days=RESUBMIT_DAYS), year)


def package_name(issued: date | None = None) -> str:
    return f"审核意见反馈包-{(issued or today_in_china()).isoformat()}.zip"
