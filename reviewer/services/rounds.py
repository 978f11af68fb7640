"""Review rounds (issue 15): a report's versions, decisions on findings, what changed, the report's status.

* A **report** is (tenant, unit, year). A finished draft becomes its next **version**: named by
  ``previous_review_id`` or ``report_key`` in the request, else found by the agency (全称/简称 folded by
  ``reviewer.crossreport.names.normalise_agency``) and the year the reviewer read from the draft.
* A **decision** (accepted / dismissed with a reason) is kept per report by finding fingerprint, so it
  holds in every later version until the finding's substance (and so its fingerprint) changes.
* The **delta** of a version against the one before: ``fixed`` (gone), ``new``, ``open`` (still there),
  ``dismissed`` (there, but dismissed — never counted as must-fix).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewer.fingerprint import compare, ensure_fingerprints
from reviewer.services.errors import ServiceError
from reviewer.store.db import utcnow
from reviewer.store.models import Decision, Report, ReviewRow, Submission

REPORT_STATUS_ZH = {"changes_requested": "待修改", "approved": "已通过"}
_STATUS_ALIASES = {"待修改": "changes_requested", "已通过": "approved"}
DECISION_ZH = {"accepted": "采纳", "dismissed": "不采纳"}
MAX_REASON = 2000


def _iso(dt) -> str | None:
    return dt.isoformat() + "Z" if dt else None


# --- linking a finished draft to its report ---------------------------------------------------------

def _find_or_create(session: Session, tenant_id: int, key: str, agency: str | None, agency_key: str | None,
                    year: int | None) -> Report:
    report = session.scalar(select(Report).where(Report.tenant_id == tenant_id, Report.report_key == key))
    if report is not None:
        return report
    now = utcnow()
    report = Report(id=uuid.uuid4().hex, tenant_id=tenant_id, report_key=key, agency=agency, agency_key=agency_key,
                    year=year, versions=0, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(report)
    except IntegrityError:  # another worker created the same key a moment ago
        report = session.scalar(select(Report).where(Report.tenant_id == tenant_id, Report.report_key == key))
        if report is None:
            raise
    return report


def _auto_key(session: Session, tenant_id: int, agency_key: str, year: int) -> str:
    base = "".join(ch for ch in f"{year}-{agency_key}" if ch not in "/\\?#%")[:190]
    key, n = base, 1
    while session.scalar(select(Report.id).where(Report.tenant_id == tenant_id, Report.report_key == key)):
        n += 1
        key = f"{base}-{n}"
    return key


def report_for(session: Session, sub: Submission, review: dict) -> Report | None:
    """The report a finished draft belongs to (created when it is the first version); None when the
    draft names none and the reviewer read no agency or year from it."""
    from reviewer.crossreport.names import normalise_agency

    opts = sub.options or {}
    info = review.get("report") or {}
    agency, year = info.get("agency"), info.get("year")
    agency_key = normalise_agency(agency)
    previous = opts.get("previous_review_id")
    if previous:
        prev = session.get(Submission, previous)
        if prev is not None and prev.tenant_id == sub.tenant_id:
            if prev.report_id is None:
                link(session, prev)
            if prev.report_id is not None:
                return session.get(Report, prev.report_id)
    if opts.get("report_key"):
        return _find_or_create(session, sub.tenant_id, opts["report_key"], agency, agency_key, year)
    if not (agency_key and year):
        return None
    found = session.scalar(select(Report).where(Report.tenant_id == sub.tenant_id, Report.agency_key == agency_key,
                                                Report.year == year).order_by(Report.updated_at.desc()).limit(1))
    if found is not None:
        return found
    return _find_or_create(session, sub.tenant_id, _auto_key(session, sub.tenant_id, agency_key, year),
                           agency, agency_key, year)


def link(session: Session, sub: Submission) -> Report | None:
    """Make a finished, readable draft the next version of its report (idempotent)."""
    if sub.report_id is not None:
        return session.get(Report, sub.report_id)
    row = session.get(ReviewRow, sub.id)
    if row is None or row.status != "ok":
        return None  # an unreadable draft is no version of anything
    report = report_for(session, sub, row.review)
    if report is None:
        return None
    # one UPDATE hands out the version number (a row lock on PostgreSQL): concurrent finishes never share one
    version = session.execute(update(Report).where(Report.id == report.id)
                              .values(versions=Report.versions + 1, updated_at=utcnow())
                              .returning(Report.versions)).scalar_one()
    previous = (sub.options or {}).get("previous_review_id")
    if not previous or session.scalar(select(Submission.report_id).where(Submission.id == previous)) != report.id:
        previous = session.scalar(select(Submission.id).where(Submission.report_id == report.id)
                                  .order_by(Submission.version.desc()).limit(1))
    sub.report_id, sub.version, sub.previous_id = report.id, version, previous
    info = row.review.get("report") or {}
    if info.get("agency"):
        from reviewer.crossreport.names import normalise_agency

        report.agency, report.agency_key = info["agency"], report.agency_key or normalise_agency(info["agency"])
    if info.get("year") and not report.year:
        report.year = info["year"]
    session.flush()
    return report


# --- decisions and the delta ------------------------------------------------------------------------

def decisions_of(session: Session, report_id: str | None) -> dict[str, Decision]:
    if report_id is None:
        return {}
    return {d.fingerprint: d for d in session.scalars(select(Decision).where(Decision.report_id == report_id))}


def decision_json(d: Decision | None) -> dict | None:
    if d is None:
        return None
    return {"decision": d.decision, "reason": d.reason, "by": d.by, "at": _iso(d.at), "review_id": d.review_id}


def _fingerprints(review: dict | None) -> list[str]:
    return [f["fingerprint"] for f in ensure_fingerprints(review or {}).get("findings", [])]


def delta(session: Session, sub: Submission, review: dict, decided: dict[str, Decision] | None = None) -> dict | None:
    """This version against the one before (the first version: everything not dismissed is new)."""
    if sub.report_id is None:
        return None
    decided = decisions_of(session, sub.report_id) if decided is None else decided
    prev_row = session.get(ReviewRow, sub.previous_id) if sub.previous_id else None
    dismissed = {fp for fp, d in decided.items() if d.decision == "dismissed"}
    return {"previous_review_id": sub.previous_id,
            **compare(_fingerprints(prev_row.review if prev_row else None), _fingerprints(review), dismissed)}


def open_counts(review: dict, decided: dict[str, Decision]) -> dict[str, int]:
    """Counts by severity of the findings that are not dismissed: what must still be fixed. A relation
    failure folded under its root cause (``derived_from``) is fixed with it, so it is not counted apart
    (the pages show one card per root cause; the JSON keeps both)."""
    out = {"error": 0, "warning": 0, "info": 0}
    findings = ensure_fingerprints(review).get("findings", [])
    ids = {f.get("id") for f in findings if f.get("id")}
    for f in findings:
        if f.get("derived_from") in ids:
            continue
        d = decided.get(f["fingerprint"])
        if not (d and d.decision == "dismissed"):
            out[f["severity"]] = out.get(f["severity"], 0) + 1
    return out


def rounds_view(session: Session, sub: Submission, row: ReviewRow | None) -> dict:
    """What the API and the pages add to a review: its report, version, delta, and every finding's
    fingerprint and decision (the stored review is returned as a copy, annotated)."""
    report = session.get(Report, sub.report_id) if sub.report_id else None
    out = {"report_key": report.report_key if report else (sub.options or {}).get("report_key"),
           "version": sub.version, "previous_review_id": sub.previous_id, "delta": None,
           "open_counts": None, "review": None}
    if row is None:
        return out
    review = ensure_fingerprints(dict(row.review, findings=[dict(f) for f in row.review.get("findings", [])]))
    decided = decisions_of(session, sub.report_id)
    for f in review.get("findings", []):
        f["decision"] = decision_json(decided.get(f["fingerprint"]))
    out.update(review=review, delta=delta(session, sub, review, decided), open_counts=open_counts(review, decided))
    return out


def after_review(session: Session, sub: Submission) -> dict:
    """Called by the worker in the transaction that stores a review: link it as the report's next
    version and return what the webhook carries: report_key, version, delta, open counts, and the
    review with each finding's fingerprint and decision (decisions carried from earlier versions)."""
    link(session, sub)
    view = rounds_view(session, sub, session.get(ReviewRow, sub.id))
    return {k: view[k] for k in ("report_key", "version", "previous_review_id", "delta", "open_counts", "review")}


def _load(session: Session, tenant_id: int, review_id: str, unit_id: int | None = None) -> Submission:
    from reviewer.store.submissions import get_for_tenant

    sub = get_for_tenant(session, tenant_id, review_id, unit_id)
    if sub is None:
        raise ServiceError(404, "review.not_found", "未找到该审核", "review not found")
    return sub


def decide(session: Session, tenant_id: int, review_id: str, fingerprint: str, decision: str | None,
           reason: str | None, by: str, unit_id: int | None = None) -> dict:
    """Record (or with ``decision=None`` undo) a decision on one finding of a review's report.
    ``unit_id``: the unit the decider is limited to (a 填报单位): another unit's review is not found."""
    sub = _load(session, tenant_id, review_id, unit_id)
    row = session.get(ReviewRow, sub.id)
    if row is None:
        raise ServiceError(409, "review.not_ready", "审核尚未完成，完成后才能处理意见", "review not finished yet")
    if decision not in ("accepted", "dismissed", None):
        raise ServiceError(422, "decision.invalid", "decision 只能是 accepted（采纳）、dismissed（不采纳）或 null（撤销）",
                           "decision must be accepted, dismissed or null")
    reason = (reason or "").strip() or None
    if decision == "dismissed" and not reason:
        raise ServiceError(422, "decision.reason_required", "不采纳须填写理由", "a dismissal needs a reason")
    if reason and len(reason) > MAX_REASON:
        raise ServiceError(422, "decision.reason_too_long", f"理由不能超过 {MAX_REASON} 字",
                           f"reason longer than {MAX_REASON} characters")
    finding = next((f for f in ensure_fingerprints(row.review).get("findings", [])
                    if f.get("fingerprint") == fingerprint), None)
    if finding is None:
        raise ServiceError(422, "decision.unknown_fingerprint", "该审核中没有这条意见（fingerprint 不符）",
                           "no finding with this fingerprint in this review")
    report = link(session, sub)
    if report is None:
        raise ServiceError(409, "decision.no_report", "这份稿件未能读出机关与年度，无法记录处理意见",
                           "this draft is not a version of any report (no agency or year read)")
    existing = session.scalar(select(Decision).where(Decision.report_id == report.id,
                                                     Decision.fingerprint == fingerprint))
    if decision is None:
        if existing is not None:
            session.delete(existing)
        session.flush()
        return {"fingerprint": fingerprint, "decision": None}
    now = utcnow()
    if existing is None:
        existing = Decision(tenant_id=tenant_id, report_id=report.id, fingerprint=fingerprint,
                            rule_id=finding["rule_id"], decision=decision, reason=reason, by=by[:200], at=now,
                            review_id=sub.id)
        session.add(existing)
    else:
        existing.decision, existing.reason, existing.by, existing.at, existing.review_id = \
            decision, reason, by[:200], now, sub.id
    session.flush()
    return {"fingerprint": fingerprint, **decision_json(existing)}


# --- reports ----------------------------------------------------------------------------------------

def get_report(session: Session, tenant_id: int, report_key: str, unit_id: int | None = None) -> Report:
    """``unit_id``: a 填报单位 finds only its unit's reports (issue 16)."""
    from reviewer.services.units import report_visible

    report = session.scalar(select(Report).where(Report.tenant_id == tenant_id, Report.report_key == report_key))
    if report is None or (unit_id is not None and not report_visible(session, report.id, unit_id)):
        raise ServiceError(404, "report.not_found", "未找到该报告", "report not found")
    return report


def versions(session: Session, report: Report) -> list[dict]:
    decided = decisions_of(session, report.id)
    out = []
    for sub in session.scalars(select(Submission).where(Submission.report_id == report.id)
                               .order_by(Submission.version)):
        row = session.get(ReviewRow, sub.id)
        d = delta(session, sub, row.review, decided) if row else None
        out.append({"review_id": sub.id, "version": sub.version, "filename": sub.filename,
                    "submitted_by": sub.submitted_by, "created_at": _iso(sub.created_at),
                    "finished_at": _iso(sub.finished_at), "counts": row.counts if row else None,
                    "open_counts": open_counts(row.review, decided) if row else None,
                    "delta_counts": d["counts"] if d else None,
                    "links": {"self": f"/v1/reviews/{sub.id}"}})
    return out


def report_json(session: Session, report: Report) -> dict:
    vs = versions(session, report)
    latest = vs[-1] if vs else None
    return {"report_key": report.report_key, "agency": report.agency, "year": report.year,
            "status": report.status, "status_zh": REPORT_STATUS_ZH.get(report.status, "待审核"),
            "status_by": report.status_by, "status_at": _iso(report.status_at),
            "status_review_id": report.status_review_id, "created_at": _iso(report.created_at),
            "updated_at": _iso(report.updated_at), "latest_review_id": latest["review_id"] if latest else None,
            "open_counts": latest["open_counts"] if latest else None, "versions": vs}


def set_status(session: Session, tenant_id: int, report_key: str, status: str | None, by: str) -> dict:
    status = _STATUS_ALIASES.get(status, status) if isinstance(status, str) else status
    if status not in REPORT_STATUS_ZH:
        raise ServiceError(422, "report.invalid_status", "status 只能是 changes_requested（待修改）或 approved（已通过）",
                           "status must be changes_requested or approved")
    report = get_report(session, tenant_id, report_key)
    latest = session.scalar(select(Submission.id).where(Submission.report_id == report.id)
                            .order_by(Submission.version.desc()).limit(1))
    report.status, report.status_by, report.status_at, report.status_review_id = status, by[:200], utcnow(), latest
    session.flush()
    return report_json(session, report)


def list_reports(session: Session, tenant_id: int, query: str | None = None, limit: int = 100,
                 unit_id: int | None = None) -> list[dict]:
    """The tenant's reports, newest activity first; ``query`` matches the agency (全称或简称), year or key;
    ``unit_id``: only that unit's (a 填报单位's list)."""
    from reviewer.crossreport.names import normalise_agency
    from reviewer.services.units import report_visible

    stmt = select(Report).where(Report.tenant_id == tenant_id)
    q = (query or "").strip()
    if q:
        like = f"%{q}%"
        folded = f"%{normalise_agency(q) or q}%"
        conds = [Report.agency.like(like), Report.agency_key.like(folded), Report.report_key.like(like)]
        if q.isdigit():
            conds.append(Report.year == int(q))
        from sqlalchemy import or_

        stmt = stmt.where(or_(*conds))
    out = []
    for report in session.scalars(stmt.order_by(Report.updated_at.desc()).limit(limit)):
        if unit_id is not None and not report_visible(session, report.id, unit_id):
            continue
        latest = session.scalar(select(Submission).where(Submission.report_id == report.id)
                                .order_by(Submission.version.desc()).limit(1))
        row = session.get(ReviewRow, latest.id) if latest else None
        counts = open_counts(row.review, decisions_of(session, report.id)) if row else None
        out.append({"report_key": report.report_key, "agency": report.agency, "year": report.year,
                    "versions": report.versions, "status": report.status,
                    "status_zh": REPORT_STATUS_ZH.get(report.status, "待审核"),
                    "open_errors": counts["error"] if counts else None, "open_counts": counts,
                    "latest_review_id": latest.id if latest else None, "updated_at": _iso(report.updated_at)})
    return out


# --- rule health --------------------------------------------------------------------------------------

def rule_stats(session: Session, tenant_id: int) -> list[dict]:
    """Per rule: how often it fired (findings in the tenant's reviews, and in how many reports or
    unlinked drafts), how often it was accepted or dismissed, and the reasons given."""
    fired: dict[str, int] = {}
    where: dict[str, set] = {}
    rows = session.execute(select(ReviewRow.review, Submission.report_id, Submission.id)
                           .join(Submission, Submission.id == ReviewRow.submission_id)
                           .where(Submission.tenant_id == tenant_id, ReviewRow.status == "ok"))
    for review, report_id, sid in rows:
        for f in review.get("findings", []):
            fired[f["rule_id"]] = fired.get(f["rule_id"], 0) + 1
            where.setdefault(f["rule_id"], set()).add(report_id or sid)
    decided: dict[str, dict] = {}
    for d in session.scalars(select(Decision).where(Decision.tenant_id == tenant_id).order_by(Decision.at.desc())):
        entry = decided.setdefault(d.rule_id, {"accepted": 0, "dismissed": 0, "reasons": []})
        entry[d.decision] += 1
        if d.decision == "dismissed":
            entry["reasons"].append({"reason": d.reason, "by": d.by, "at": _iso(d.at), "review_id": d.review_id})
    out = []
    for rule_id in sorted(set(fired) | set(decided)):
        entry = decided.get(rule_id, {"accepted": 0, "dismissed": 0, "reasons": []})
        n = fired.get(rule_id, 0)
        reports = len(where.get(rule_id, ()))
        out.append({"rule_id": rule_id, "fired": n, "reports": reports, "accepted": entry["accepted"],
                    "dismissed": entry["dismissed"],
                    "dismissed_share": round(entry["dismissed"] / reports, 3) if reports else None,
                    "reasons": entry["reasons"]})
    out.sort(key=lambda r: (-(r["dismissed_share"] or 0), -r["fired"], r["rule_id"]))
    return out

