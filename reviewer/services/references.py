"""Last year's reports (issue 16): store them per unit, and compare every review of year N with
its unit's report of year N−1.

* ``add_upload`` stores a published report of a unit (read and checked to be a report of a known
  year); ``mark_published`` takes a reviewed report of the service as the published one.
* ``cross_year`` runs after each review (worker): when the draft's unit — the unit it was
  submitted for, else the one its agency name matches — has a reference for the year before,
  the cross-year checks run against it (``continuity.carry_over``, ``continuity.in_force``,
  ``duplicate.narrative``) and their findings join the review.
* ``comparison`` gives the review page 本年 / 上年 / 差额 for the key cells.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from reviewer import errors
from reviewer.findings import Review
from reviewer.formats import GOV_2021
from reviewer.services.errors import ServiceError
from reviewer.store.references import ReferenceReport, put_reference, reference_for

log = logging.getLogger(__name__)


def _refused(code: str, zh: str, en: str, status: int = 422) -> ServiceError:
    return ServiceError(status, code, zh, en)


def _label(table: str, row: str, col: str) -> str:
    spec = GOV_2021.table(table)
    r = next(x for x in spec.data_rows() if x.key == row)
    c = next(x for x in spec.columns if x.key == col)
    return f"{r.label} / {c.label}" if len(spec.columns) > 1 else r.label


# The cells compared year over year on the review page: (label, this year's path, last year's path).
# The carry-over line compares this year's 上年结转 with last year's 结转下年度 (they should be equal).
KEY_CELLS = [
    ("本年新收申请（总计）", "table3/new/total", "table3/new/total"),
    ("上年结转（本年）↔ 结转下年度（上年）", "table3/carried/total", "table3/forward/total"),
    ("办理结果总计", "table3/results_total/total", "table3/results_total/total"),
    ("予以公开", "table3/disclosed/total", "table3/disclosed/total"),
    ("结转下年度继续办理", "table3/forward/total", "table3/forward/total"),
    ("行政复议总计", "table4/counts/review_total", "table4/counts/review_total"),
    ("行政诉讼（未经复议直接起诉）总计", "table4/counts/direct_total", "table4/counts/direct_total"),
    ("行政诉讼（复议后起诉）总计", "table4/counts/after_total", "table4/counts/after_total"),
    (_label("table2_1", "rules", "in_force"), "table2_1/rules/in_force", "table2_1/rules/in_force"),
    (_label("table2_1", "normative", "in_force"), "table2_1/normative/in_force", "table2_1/normative/in_force"),
]


@dataclass
class Read:
    doc: object
    facts: object
    review: Review


def _read(data: bytes, filename: str) -> Read:
    """Read and review a reference (rules only); refused when it is no report or its year is unknown."""
    from reviewer.errors import InputError
    from reviewer.ingest import read_bytes
    from reviewer.pipeline import ReviewOptions, review_with_facts

    try:
        doc = read_bytes(data, filename)
    except InputError as exc:
        raise _refused(exc.code, exc.message_zh, exc.message_en) from exc
    review, facts = review_with_facts(doc, ReviewOptions(use_llm=False))
    if review.status != "ok" or facts is None:
        err = review.error
        raise _refused(err.code if err else "input.not_a_report",
                               "读不出这份报告：" + (err.message if err else "不是政府信息公开工作年度报告"),
                               "the reference could not be read as an annual report")
    return Read(doc, facts, review)


def add_upload(s: Session, tenant_id: int, unit, data: bytes, filename: str, year: int | None = None,
               by: str | None = None) -> ReferenceReport:
    """A published report of ``unit`` (a store Unit of the tenant), uploaded."""
    from reviewer.store.submissions import put_blob

    read = _read(data, filename)
    read_year = read.review.report.year
    if year is not None and read_year is not None and year != read_year:
        raise _refused("reference.year_mismatch",
                               f"报告标题写的是{read_year}年度，与填写的{year}年度不一致",
                               f"the report is for {read_year}, not {year}")
    year = year or read_year
    if year is None:
        raise _refused("reference.year_unknown", "读不出这份报告的年度，请填写年度",
                               "the report's year could not be read; give the year")
    sha = put_blob(s, data)
    return put_reference(s, tenant_id, unit.id, year, sha, filename, read.review.report.agency, "upload",
                         read.review.report.cells, created_by=by)


def mark_published(s: Session, tenant_id: int, unit, submission_id: str, by: str | None = None) -> ReferenceReport:
    """An approved report reviewed here (of this unit, or of no unit yet) taken as the unit's published report."""
    from reviewer.store.models import ReviewRow, Submission

    sub = s.get(Submission, submission_id)
    row = s.get(ReviewRow, submission_id) if sub is not None else None
    if sub is None or sub.tenant_id != tenant_id or (sub.unit_id is not None and sub.unit_id != unit.id):
        raise _refused("review.not_found", "未找到该单位的这份审核", "review not found for this unit", 404)
    if row is None or row.status != "ok":
        raise _refused("review.not_ready", "这份报告尚未审核完成或无法审核", "review not finished or failed", 409)
    from reviewer.store.models import Report

    report_row = s.get(Report, sub.report_id) if sub.report_id else None
    if report_row is None or report_row.status != "approved":  # issue 15: approval is the reviewer's decision
        raise _refused("report.not_approved", "这份报告尚未通过审核（已通过的报告才能标记为已发布）",
                       "the report is not approved", 409)
    report = row.review.get("report") or {}
    if not report.get("year"):
        raise _refused("reference.year_unknown", "读不出这份报告的年度", "the report's year is unknown")
    return put_reference(s, tenant_id, unit.id, int(report["year"]), sub.blob_sha256, sub.filename,
                         report.get("agency"), "review", report.get("cells") or {}, submission_id=sub.id,
                         created_by=by)


def approved_reports(s: Session, tenant_id: int, unit_id: int) -> list[dict]:
    """The unit's approved reports (the version approved), newest year first: what can be marked as published."""
    from sqlalchemy import select

    from reviewer.store.models import Report, Submission

    rows = s.execute(select(Report, Submission).join(Submission, Submission.id == Report.status_review_id)
                     .where(Report.tenant_id == tenant_id, Report.status == "approved",
                            Submission.unit_id == unit_id).order_by(Report.year.desc())).all()
    return [{"review_id": sub.id, "year": report.year, "filename": sub.filename, "version": sub.version}
            for report, sub in rows]


def reference_view(ref: ReferenceReport) -> dict:
    return {"id": ref.id, "unit_id": ref.unit_id, "year": ref.year, "filename": ref.filename, "agency": ref.agency,
            "source": ref.source, "review_id": ref.submission_id, "created_by": ref.created_by,
            "created_at": ref.created_at.isoformat() + "Z"}


def unit_of(s: Session, tenant_id: int, unit_id: int | None, agency: str | None):
    """The unit a draft belongs to: the one it was submitted for, else the one its agency name matches."""
    from reviewer.services.units import get_unit, match_unit

    if unit_id is not None:
        return get_unit(s, tenant_id, unit_id)
    return match_unit(s, tenant_id, agency)


def previous_reference(s: Session, submission_id: str, review: Review) -> ReferenceReport | None:
    from reviewer.store.models import Submission

    sub = s.get(Submission, submission_id)
    if sub is None or review.status != "ok" or not review.report.year:
        return None
    unit = unit_of(s, sub.tenant_id, sub.unit_id, review.report.agency)
    return reference_for(s, sub.tenant_id, unit.id, review.report.year - 1) if unit is not None else None


def cross_year(s: Session, submission_id: str, data: bytes, filename: str, review: Review) -> int:
    """Adds the cross-year findings against the unit's report of the year before to ``review``;
    returns how many. Nothing when there is no such reference. Never raises: the review stands."""
    from reviewer.crossreport import Report
    from reviewer.crossreport.continuity import check_pair
    from reviewer.crossreport.duplicate import narrative_duplicates
    from reviewer.store.models import Blob

    try:
        ref = previous_reference(s, submission_id, review)
        if ref is None:
            return 0
        last = _read(s.get(Blob, ref.blob_sha256).data, ref.filename)
        this = _read_this(data, filename, review)
        # the same unit whatever each report calls itself (全称/简称): compared as one agency
        last_facts = last.facts.model_copy(update={"agency": this.facts.agency or last.facts.agency})
        mine = Report(this.doc, this.facts, review)
        theirs = Report(last.doc, last_facts, last.review, reference=True)
        added = check_pair(mine, theirs) + [f for r, f in narrative_duplicates([mine, theirs]) if r is mine]
    except Exception as exc:  # a reference that cannot be compared must not sink the review
        if isinstance(exc, tuple(errors.INTERRUPTS)):  # the worker's time limit stops this too
            raise
        log.warning("cross-year checks of %s skipped: %s", submission_id, exc)
        return 0
    from reviewer.fingerprint import assign_fingerprints

    review.findings.extend(added)
    assign_fingerprints(review.findings)  # issue 15: the added findings get theirs, the others keep theirs
    return len(added)


def _read_this(data: bytes, filename: str, review: Review) -> Read:
    from reviewer.extract import extract
    from reviewer.ingest import read_bytes

    doc = read_bytes(data, filename)  # read once already by the review: deterministic, same block ids
    return Read(doc, extract(doc), review)


def comparison(s: Session, tenant_id: int, unit_id: int | None, review: dict) -> dict | None:
    """本年 / 上年 / 差额 of the key cells against the unit's report of the year before, for the page."""
    report = review.get("report") or {}
    if review.get("status") != "ok" or not report.get("year"):
        return None
    unit = unit_of(s, tenant_id, unit_id, report.get("agency"))
    ref = reference_for(s, tenant_id, unit.id, int(report["year"]) - 1) if unit is not None else None
    if ref is None:
        return None
    now, before = report.get("cells") or {}, ref.cells or {}
    rows = []
    for label, this_path, last_path in KEY_CELLS:
        a, b = now.get(this_path), before.get(last_path)
        if a is None and b is None:
            continue
        diff = a - b if a is not None and b is not None else None
        rows.append({"label": label, "this": a, "last": b, "diff": diff,
                     "carry": this_path != last_path, "mismatch": this_path != last_path and diff not in (None, 0)})
    return {"unit": unit.name, "year": int(report["year"]), "last_year": ref.year, "filename": ref.filename,
            "rows": rows}


def batch_references(s: Session, reports: list[tuple[str, object]]) -> list[object]:
    """For a batch's completion: the references of the year before of the batch's reports' units, as
    ``crossreport.Report(reference=True)`` named like the report they belong to, so the batch's
    cross-report checks compare with them too. ``reports``: (submission id, Report)."""
    from reviewer.crossreport import Report
    from reviewer.store.models import Blob

    out, seen = [], set()
    for submission_id, report in reports:
        try:
            ref = previous_reference(s, submission_id, report.review)
            if ref is None or ref.id in seen:
                continue
            seen.add(ref.id)
            last = _read(s.get(Blob, ref.blob_sha256).data, ref.filename)
        except Exception as exc:
            if isinstance(exc, tuple(errors.INTERRUPTS)):
                raise
            log.warning("reference for %s not read: %s", submission_id, exc)
            continue
        facts = last.facts.model_copy(update={"agency": report.facts.agency or last.facts.agency})
        out.append(Report(last.doc, facts, last.review, reference=True))
    return out
