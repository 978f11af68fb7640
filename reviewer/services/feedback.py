"""The feedback package of a batch (issue 16): what goes in it, read from the store for one tenant.

The annotated drafts in it are the worker's (kinds ``fb.docx`` / ``fb.pdf`` of
reviewer.services.annotated, cached): the API and web processes never parse a draft (issue 17).
While some are being produced the package is not built: ``PackagePending`` (202, ask again);
only the notice .docx, made from the stored reviews, is built in the request.

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
RETRY_AFTER_SECONDS = 2


class PackagePending(ServiceError):
    """Some annotated drafts of the package are still being produced by the worker."""

    def __init__(self, ready: int, total: int):
        super().__init__(202, "package.pending", f"反馈包中的批注稿正在由后台生成（已完成 {ready}/{total}），请稍后重试",
                         f"the package's annotated drafts are being produced ({ready}/{total} ready); retry",
                         headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        self.ready, self.total = ready, total


def _reviewed_draft(unit: str, sub, data: bytes, review: Review) -> PackageDraft:
    """A reviewed draft whose annotated copy the worker makes (``attach_annotated``)."""
    from reviewer.services.annotated import is_pdf

    return PackageDraft(unit, sub.filename, None, review, review_id=sub.id, ext="pdf" if is_pdf(data) else "docx")


def attach_annotated(engine, drafts: list[PackageDraft]) -> None:
    """Each reviewed draft's annotated copy from the worker's cache (asked for when missing or stale);
    raises PackagePending while any is being produced. One the worker could not make is left out of
    the zip (the notice still lists the unit)."""
    import logging

    from reviewer.services.annotated import request_output

    asked = [d for d in drafts if d.review_id]
    pending = 0
    for d in asked:
        outcome = request_output(engine, d.review_id, f"fb.{d.ext}")
        if outcome.status == "done":
            d.annotated = (d.ext, outcome.data)
        elif outcome.status == "pending":
            pending += 1
        else:
            logging.getLogger(__name__).warning("feedback package: no annotated %s for %s: %s", d.ext, d.review_id,
                                                (outcome.error or {}).get("code"))
    if pending:
        raise PackagePending(len(asked) - pending, len(asked))


async def package_when_ready(build, wait: float) -> bytes:
    """``build()`` (blocking, raises PackagePending) asked again every second for up to ``wait``
    seconds while the worker produces; the last PackagePending is raised after that."""
    from reviewer.services.annotated import Outcome, poll

    last: dict = {}

    def ask() -> Outcome:
        try:
            return Outcome("done", data=build())
        except PackagePending as exc:
            last["pending"] = exc
            return Outcome("pending")

    outcome = await poll(ask, wait, every=1.0)
    if outcome.status == "pending":
        raise last["pending"]
    return outcome.data


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
        out.append(_reviewed_draft(unit.name if unit else review.report.agency or stem, sub,
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
    """The zip for a finished batch (raises PackagePending while the worker annotates drafts)."""
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
    attach_annotated(engine, drafts)
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
        out.append(_reviewed_draft(u["name"], sub, s.get(Blob, sub.blob_sha256).data, review))
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
    attach_annotated(engine, drafts)
    return feedback_zip(drafts, sender, issued or today_in_china(), resubmit_by, year)


def package_name(issued: date | None = None) -> str:
    return f"审核意见反馈包-{(issued or today_in_china()).isoformat()}.zip"
