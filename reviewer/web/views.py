"""What the pages show, read from the store for one tenant: history, a review, a batch.

Plain functions over a SQLAlchemy session returning dicts for the templates; every
lookup is scoped to the tenant (the API's ``get_for_tenant`` / ``get_batch``), so
another tenant's id is indistinguishable from a missing one.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer.findings import SEVERITY_ORDER
from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH
from reviewer.store.batches import Batch, BatchItem
from reviewer.store.models import ReviewRow, Submission

STATUS_ZH = {"queued": "排队中", "running": "审核中", "done": "已完成", "error": "未能完成", "failed": "失败",
             "checking": "跨报告检查中"}
CHINA = timedelta(hours=8)


def beijing(dt) -> str:
    """Naive UTC from the store → Beijing time for people in China."""
    return (dt + CHINA).strftime("%Y-%m-%d %H:%M") if dt else ""


def beijing_deadline(dt) -> str:
    """A deadline given as a bare date is the end of that day in Beijing: shown as that date, 24时."""
    if not dt:
        return ""
    local = dt + CHINA
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return (local - timedelta(days=1)).strftime("%Y-%m-%d") + " 24时"
    return local.strftime("%Y-%m-%d %H:%M")


def deadline_of(options: dict | None) -> str:
    """The deadline a single draft was submitted with (kept in its options), in Beijing time."""
    from datetime import datetime

    text = (options or {}).get("deadline")
    if not text:
        return ""
    return beijing_deadline(datetime.fromisoformat(text.rstrip("Z")))


def history(s: Session, tenant_id: int, unit_id: int | None = None, limit: int = 50) -> dict:
    """``unit_id``: a 填报单位's history (its unit's reports, no batches)."""
    in_batch = select(BatchItem.submission_id).where(BatchItem.submission_id.is_not(None))
    stmt = (select(Submission, ReviewRow.counts, ReviewRow.status)
            .outerjoin(ReviewRow, ReviewRow.submission_id == Submission.id)
            .where(Submission.tenant_id == tenant_id, Submission.id.not_in(in_batch)))
    if unit_id is not None:
        stmt = stmt.where(Submission.unit_id == unit_id)
    rows = s.execute(stmt.order_by(Submission.created_at.desc()).limit(limit)).all()
    reviews = [{"id": sub.id, "filename": sub.filename, "created": beijing(sub.created_at),
                "status": sub.status, "status_zh": _review_status_zh(sub.status, rstatus),
                "counts": counts} for sub, counts, rstatus in rows]
    batches = [{"id": b.id, "created": beijing(b.created_at), "total": b.total, "status": b.status,
                "status_zh": STATUS_ZH.get(b.status, b.status), "deadline": beijing_deadline(b.deadline)}
               for b in s.scalars(select(Batch).where(Batch.tenant_id == tenant_id)
                                  .order_by(Batch.created_at.desc()).limit(limit))] if unit_id is None else []
    return {"reviews": reviews, "batches": batches}


def _review_status_zh(status: str, review_status: str | None) -> str:
    if status == "done" and review_status == "failed":
        return "无法审核"
    return STATUS_ZH.get(status, status)


def review_status(s: Session, sub: Submission) -> dict:
    row = s.get(ReviewRow, sub.id)
    return {"id": sub.id, "status": sub.status, "status_zh": STATUS_ZH.get(sub.status, sub.status),
            "finished": row is not None, "counts": row.counts if row else None}


def pdf_renderer_available() -> bool:
    """The annotated PDF is a renderer of its own (built separately); offer it only once
    ``reviewer.render`` lists it among its annotated formats (or ships ``reviewer.render.pdf``)."""
    from reviewer.render import ANNOTATED_FORMATS

    return "pdf" in ANNOTATED_FORMATS or importlib.util.find_spec("reviewer.render.pdf") is not None


def input_was_pdf(filename: str, data: bytes) -> bool:
    return filename.lower().endswith(".pdf") or data[:5] == b"%PDF-"


def section_title(key: str | None) -> str:
    from reviewer.formats import section_headings

    names = section_headings()
    return names.get(key, f"第{key}部分") if key else "全文"


def findings_panel(review: dict) -> list[dict]:
    """Findings grouped by section (一…六, then 全文) and, inside, by severity — with their index
    in ``review.findings``, which the annotated HTML uses in its anchors (a<index>-<location>)."""
    from reviewer.formats import section_headings

    order = list(section_headings())
    groups: dict[str | None, list[tuple[int, dict]]] = {}
    for i, f in enumerate(review.get("findings", [])):
        key = next((loc["section"] for loc in f.get("locations", []) if loc.get("section")), None)
        groups.setdefault(key, []).append((i, f))
    # 全文 (title, period: the whole report) first, as in the terminal summary; then 一 … 六
    keys = sorted(groups, key=lambda k: -1 if k is None else order.index(k) if k in order else len(order))
    out = []
    for key in keys:
        by_sev = []
        for sev in ("error", "warning", "info"):
            items = [_finding_view(i, f) for i, f in groups[key] if f["severity"] == sev]
            if items:
                by_sev.append({"severity": sev, "severity_zh": SEVERITY_ZH[sev], "findings": items})
        out.append({"section": key or "all", "title": section_title(key), "by_severity": by_sev})
    return out


def _finding_view(i: int, f: dict) -> dict:
    places = []
    for loc in f.get("locations", []):
        name = loc.get("label") or (loc.get("text") or "").strip()
        if name:
            flat = " ".join(name.split())
            places.append(flat if len(flat) <= 30 else flat[:30] + "…")
    return {"index": i, "rule_id": f["rule_id"], "severity": f["severity"],
            "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"]), "message": f["message"],
            "category_zh": CATEGORY_ZH.get(f["category"], f["category"]), "suggestion": f.get("suggestion"),
            "expected": f.get("expected"), "actual": f.get("actual"), "origin": f.get("origin"),
            "places": list(dict.fromkeys(places))}


def batch_progress(s: Session, batch: Batch) -> dict:
    from reviewer.services.batches import progress


    rows, counts, eta = progress(s, batch)
    items = [{k: r[k] for k in ("review_id", "filename", "status", "status_zh", "counts")} for r in rows]
    return {"id": batch.id, "status": batch.status, "status_zh": STATUS_ZH.get(batch.status, batch.status),
            "total": batch.total, "counts": counts, "eta_seconds": eta, "items": items}


def batch_table(s: Session, batch: Batch) -> list[dict]:
    """One row per file: agency, year, errors and warnings once reviewed, the most serious problems
    (or why it was not reviewed and what to do), its review."""
    from reviewer.batch.rows import row
    from reviewer.store.batches import item_rows

    out = []
    for it in item_rows(s, batch.id):
        r = row(it)
        stored = s.get(ReviewRow, it["review_id"]) if r["status"] == "done" else None
        review = stored.review if stored else {}
        report = review.get("report") or {}
        findings = sorted(review.get("findings", []), key=lambda f: SEVERITY_ORDER.get(f["severity"], 9))
        counts = r["counts"]
        if r["status"] == "done":
            problem = "；".join(f["message"] for f in findings[:2])
        else:
            problem = "；".join(x for x in (r["reason"], r["advice"]) if x)
        out.append({"review_id": r["review_id"] if r["status"] == "done" else None, "item": r["review_id"],
                    "filename": r["filename"], "agency": report.get("agency") or "", "year": report.get("year") or "",
                    "errors": counts["error"] if counts else "", "warnings": counts["warning"] if counts else "",
                    "status": r["status"], "status_zh": r["status_zh"], "problems": problem})
    return out


def crosscheck_lines(crosscheck: dict | None) -> list[str]:
    """“跨年度衔接：2 条” lines from the batch's cross-report results, named by the rule's title."""
    from reviewer.checks import RULES

    out = []
    for rule_id, n in sorted(((crosscheck or {}).get("by_rule") or {}).items()):
        rule = RULES.get(rule_id)
        out.append(f"{rule.title if rule else rule_id} {n} 条")
    return out
