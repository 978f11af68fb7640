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


def who(user) -> str:
    """Who submitted or decided: the signed-in person when accounts name one, else the unit."""
    name = getattr(user, "display_name", None) or getattr(user, "name", None)
    return f"{name}（{user.tenant_name}）" if name else f"网页（{user.tenant_name}）"


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


def card_counts(review: dict) -> dict:
    """Counts as a person reads them: one per card; failed relations folded under their root cause are
    counted apart (``folded``)."""
    findings = review.get("findings", [])
    ids = {f.get("id") for f in findings}
    out = {"error": 0, "warning": 0, "info": 0, "folded": 0}
    for f in findings:
        out["folded" if f.get("derived_from") in ids else f["severity"]] += 1
    return out


def findings_panel(review: dict, delta: dict | None = None) -> list[dict]:
    """Findings grouped by section (一…六, then 全文) and, inside, by severity — with their index
    in ``review.findings``, which the annotated HTML uses in its anchors (a<index>-<location>).
    Dismissed findings (issue 15) are left out here: ``dismissed_findings`` lists them apart."""
    from reviewer.formats import section_headings

    order = list(section_headings())
    new = set((delta or {}).get("new") or ()) if (delta or {}).get("previous_review_id") else set()
    findings = review.get("findings", [])
    ids = {f.get("id") for f in findings}
    derived: dict[str, list[tuple[int, dict]]] = {}  # root-cause id → the failed relations it explains
    groups: dict[str | None, list[tuple[int, dict]]] = {}
    for i, f in enumerate(findings):
        if f.get("derived_from") in ids:
            derived.setdefault(f["derived_from"], []).append((i, f))
            continue
        if _dismissed(f):
            continue
        key = next((loc["section"] for loc in f.get("locations", []) if loc.get("section")), None)
        groups.setdefault(key, []).append((i, f))
    # 全文 (title, period: the whole report) first, as in the terminal summary; then 一 … 六
    keys = sorted(groups, key=lambda k: -1 if k is None else order.index(k) if k in order else len(order))
    out = []
    for key in keys:
        by_sev = []
        for sev in ("error", "warning", "info"):
            items = [_finding_view(i, f, new, [_finding_view(j, d, new) for j, d in derived.get(f.get("id"), [])])
                     for i, f in groups[key] if f["severity"] == sev]
            if items:
                by_sev.append({"severity": sev, "severity_zh": SEVERITY_ZH[sev], "findings": items})
        out.append({"section": key or "all", "title": section_title(key), "by_severity": by_sev,
                    "count": sum(len(x["findings"]) for x in by_sev)})
    return out


def _dismissed(f: dict) -> bool:
    return (f.get("decision") or {}).get("decision") == "dismissed"


def dismissed_findings(review: dict) -> list[dict]:
    """The 已忽略 group: dismissed findings, greyed, with their reasons; never counted as must-fix."""
    return [_finding_view(i, f) for i, f in enumerate(review.get("findings", [])) if _dismissed(f)]


def fixed_findings(previous: dict | None, delta: dict | None) -> list[dict]:
    """Findings of the previous version that are gone in this one (已修改)."""
    if not previous or not delta or not delta.get("fixed"):
        return []
    from reviewer.fingerprint import ensure_fingerprints

    gone = set(delta["fixed"])
    return [_finding_view(i, f) for i, f in enumerate(ensure_fingerprints(previous).get("findings", []))
            if f.get("fingerprint") in gone]


def _finding_view(i: int, f: dict, new: set[str] = frozenset(), derived: list[dict] | None = None) -> dict:
    places = []
    for loc in f.get("locations", []):
        name = loc.get("place") or loc.get("label") or (loc.get("text") or "").strip()
        if name:
            flat = " ".join(name.split())
            flat = flat if len(flat) <= 30 else flat[:30] + "…"
            places.append(f"第{loc['page']}页 {flat}" if loc.get("page") else flat)
    decision = f.get("decision")
    return {"index": i, "rule_id": f["rule_id"], "severity": f["severity"],
            "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"]), "message": f["message"],
            "category_zh": CATEGORY_ZH.get(f["category"], f["category"]), "suggestion": f.get("suggestion"),
            "expected": f.get("expected"), "actual": f.get("actual"), "origin": f.get("origin"),
            "places": list(dict.fromkeys(places)), "fingerprint": f.get("fingerprint"),
            "derived": derived or [], "declared_severity_zh": SEVERITY_ZH.get(f.get("declared_severity") or "", None),
            "decision": decision, "decided_at": beijing_iso((decision or {}).get("at")),
            "is_new": f.get("fingerprint") in new,
            "pages": sorted({loc["page"] for loc in f.get("locations", []) if loc.get("page")})}


def beijing_iso(text: str | None) -> str:
    from datetime import datetime

    return beijing(datetime.fromisoformat(text.rstrip("Z"))) if text else ""


def changed_cells(previous: dict | None, review: dict) -> list[dict]:
    """The table cells whose value differs between the previous version and this one, side by side."""
    if not previous:
        return []
    from reviewer.render.tables_text import cell_label

    before = (previous.get("report") or {}).get("cells") or {}
    now = (review.get("report") or {}).get("cells") or {}
    out = []
    for path in [*now, *(p for p in before if p not in now)]:
        if before.get(path) != now.get(path):
            out.append({"path": path, "label": cell_label(path, review.get("format")),
                        "before": _num(before.get(path)), "after": _num(now.get(path))})
    return out


def _num(v) -> str:
    if v is None:
        return "—"
    return str(int(v)) if float(v) == int(v) else f"{v:g}"


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


def rounds_header(s: Session, sub: Submission, rounds: dict) -> dict:
    """The review page's round bar: report, version timeline, status, delta and open counts."""
    from reviewer.services.rounds import REPORT_STATUS_ZH
    from reviewer.store.models import Report

    report = s.get(Report, sub.report_id) if sub.report_id else None
    if report is None:
        return {"report": None, "open_counts": rounds["open_counts"]}
    timeline = [{"id": sid, "version": v, "created": beijing(at), "current": sid == sub.id}
                for sid, v, at in s.execute(select(Submission.id, Submission.version, Submission.created_at)
                                            .where(Submission.report_id == report.id).order_by(Submission.version))]
    return {"report": {"key": report.report_key, "agency": report.agency, "year": report.year,
                       "status": report.status, "status_zh": REPORT_STATUS_ZH.get(report.status, "待审核"),
                       "status_by": report.status_by, "status_at": beijing(report.status_at)},
            "version": sub.version, "timeline": timeline, "delta": rounds["delta"],
            "previous_id": sub.previous_id, "open_counts": rounds["open_counts"]}


_FAILURE_TITLE = {
    "input.not_a_report": "这不是政府信息公开工作年度报告",
    "input.empty": "文件是空的", "input.binary": "文件不是文本", "input.encoding": "无法识别文件的文字编码",
    "input.unsupported_type": "不支持的文件类型", "input.too_large": "文件过大或内容过多",
    "input.corrupt": "文件已损坏", "input.malicious": "文件疑似恶意构造", "input.scanned_pdf": "PDF 没有文字层",
    "input.converter_missing": "服务器缺少文档转换组件", "input.conversion_failed": "文档转换失败",
    "review.timeout": "审核超时", "review.memory_limit": "审核所需内存超出上限",
}
_NOT_A_REPORT = ("没有找到年度报告的标题、六个部分或统计表格。会议纪要、通知、说明材料等不是年度报告，无法审核；"
                 "请上传《政府信息公开工作年度报告》的草稿。")


def failure_text(review: dict) -> dict:
    """Why a draft could not be reviewed, in Chinese only (the code and English stay in the JSON)."""
    from reviewer.errors import chinese_part

    err = review.get("error") or {}
    code = err.get("code", "")
    title = _FAILURE_TITLE.get(code, "草稿无法读取")
    detail = _NOT_A_REPORT if code == "input.not_a_report" else chinese_part(err.get("message") or "")
    return {"title": title, "detail": detail or "请检查文件后重新提交。"}
