"""The roster board (issue 16): every unit of a tenant with the status of its report for one year.

Status, for the unit's latest version of that year (the newest submission attached to the unit
whose review read that year):

- ``not_submitted`` 未提交 — nothing yet;
- ``in_review`` 审核中 — queued or being reviewed, or reviewed without open errors and not yet approved;
- ``needs_changes`` 待修改 — open errors (or a draft that could not be reviewed), or sent back by a reviewer;
- ``approved`` 已通过 — a reviewer approved it;
- ``overdue`` 逾期 — the deadline (Beijing date) has passed without 已通过.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer.services.units import deadlines
from reviewer.store.models import ReviewRow, Submission, Unit

STATUSES = ("not_submitted", "in_review", "needs_changes", "approved", "overdue")
STATUS_ZH = {"not_submitted": "未提交", "in_review": "审核中", "needs_changes": "待修改", "approved": "已通过",
             "overdue": "逾期"}
STATUS_COLOR = {"not_submitted": "#9aa0a6", "in_review": "#4a8be0", "needs_changes": "#e08a00",
                "approved": "#3a8f3a", "overdue": "#d22"}
SORTS = ("name", "status", "days", "errors")


def beijing_today() -> date:
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def reporting_year(today: date | None = None) -> int:
    """The year whose reports are being collected: until June, last year's (due 31 January); then this year's."""
    today = today or beijing_today()
    return today.year - 1 + (today.month > 6)


def _year_of(review: dict | None) -> int | None:
    y = ((review or {}).get("report") or {}).get("year")
    return int(y) if isinstance(y, int) or (isinstance(y, str) and y.isdigit()) else None


def _latest(s: Session, tenant_id: int, year: int) -> dict[int, tuple[Submission, ReviewRow | None]]:
    """unit id → its newest submission of ``year`` (unfinished ones count: their year is not known
    yet, so a unit's newest unfinished submission stands for whatever year it turns out to be)."""
    rows = s.execute(select(Submission, ReviewRow).outerjoin(ReviewRow, ReviewRow.submission_id == Submission.id)
                     .where(Submission.tenant_id == tenant_id, Submission.unit_id.is_not(None))
                     .order_by(Submission.created_at)).all()
    out: dict[int, tuple[Submission, ReviewRow | None]] = {}
    for sub, row in rows:
        if row is None or _year_of(row.review) == year:
            out[sub.unit_id] = (sub, row)  # newest wins
    return out


def _decisions(s: Session, latest: dict[int, tuple[Submission, ReviewRow | None]]) -> dict[str, dict]:
    """Per latest review id, from its report (review rounds): ``approved`` / ``returned`` when a reviewer
    set that status on this very version, and ``open`` — the counts without dismissed findings."""
    from reviewer.services.rounds import decisions_of, open_counts
    from reviewer.store.models import Report

    out: dict[str, dict] = {}
    for sub, row in latest.values():
        report = s.get(Report, sub.report_id) if sub.report_id else None
        on_this = report is not None and report.status_review_id == sub.id
        out[sub.id] = {"approved": on_this and report.status == "approved",
                       "returned": on_this and report.status == "changes_requested",
                       "open": open_counts(row.review, decisions_of(s, sub.report_id))
                       if row is not None and row.status == "ok" else None}
    return out


def unit_rows(s: Session, tenant_id: int, year: int, today: date | None = None) -> list[dict]:
    today = today or beijing_today()
    units = s.scalars(select(Unit).where(Unit.tenant_id == tenant_id).order_by(Unit.id)).all()
    names = {u.id: u.name for u in units}
    due = deadlines(s, tenant_id, year)
    latest = _latest(s, tenant_id, year)
    state = _decisions(s, latest)
    out = []
    for u in units:
        sub, row = latest.get(u.id, (None, None))
        counts = (row.counts if row else None) or {}
        info = state.get(sub.id, {}) if sub else {}
        open_ = info.get("open") or counts
        errors, warnings = open_.get("error", 0), open_.get("warning", 0)
        if sub is None:
            status = "not_submitted"
        elif info.get("approved"):
            status = "approved"
        elif row is None:
            status = "in_review"
        elif row.status != "ok" or errors > 0 or info.get("returned"):
            status = "needs_changes"
        else:
            status = "in_review"
        deadline = due[u.id]
        if status != "approved" and today > deadline:
            status = "overdue"
        out.append({"id": u.id, "name": u.name, "kind": u.kind, "parent": names.get(u.parent_id),
                    "status": status, "status_zh": STATUS_ZH[status],
                    "latest_review_id": sub.id if sub else None, "version": sub.version if sub else None,
                    "submitted_at": sub.created_at.isoformat() + "Z" if sub else None,
                    "filename": sub.filename if sub else None,
                    "open_errors": errors if row else None, "open_warnings": warnings if row else None,
                    "deadline": deadline.isoformat(), "days_to_deadline": (deadline - today).days,
                    "_findings": (row.review.get("findings") or []) if row and row.status == "ok" else []})
    return out


def board(s: Session, tenant_id: int, year: int, status: str | None = None, kind: str | None = None,
          sort: str = "name", today: date | None = None) -> dict:
    today = today or beijing_today()
    rows = unit_rows(s, tenant_id, year, today)
    counts = Counter(r["status"] for r in rows)
    problems = top_problems(rows)
    pending = [r for r in rows if r["status"] != "approved" and r["days_to_deadline"] >= 0]
    nearest = min((r["deadline"] for r in pending), default=None)
    if status:
        rows = [r for r in rows if r["status"] == status]
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    order = {"name": lambda r: r["name"], "status": lambda r: STATUSES.index(r["status"]),
             "days": lambda r: r["days_to_deadline"], "errors": lambda r: -(r["open_errors"] or 0)}[sort]
    rows.sort(key=order)
    for r in rows:
        r.pop("_findings")
    return {"year": year, "today": today.isoformat(), "nearest_deadline": nearest,
            "days_to_nearest_deadline": (date.fromisoformat(nearest) - today).days if nearest else None,
            "counts": {k: counts.get(k, 0) for k in STATUSES}, "problems": problems, "units": rows}


def top_problems(rows: list[dict], n: int = 8) -> list[dict]:
    """The rules that fire in the most units' latest versions (errors and warnings), most first."""
    from reviewer.checks import RULES

    per_rule: Counter = Counter()
    for r in rows:
        ids = {f.get("id") for f in r["_findings"] if f.get("id")}
        per_rule.update({f["rule_id"] for f in r["_findings"] if f.get("severity") in ("error", "warning")
                         and f.get("derived_from") not in ids})  # a relation folded under its root cause: one problem
    out = []
    for rule_id, units in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
        rule = RULES.get(rule_id)
        out.append({"rule_id": rule_id, "title": rule.title if rule else rule_id, "units": units})
    return out


def export_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{data['year']}年度报送进度"
    ws.append(["单位", "类型", "上级单位", "状态", "错误", "警告", "截止日期", "距截止（天）", "最新一稿", "稿次", "审核编号"])
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in data["units"]:
        ws.append([r["name"], r["kind"], r["parent"] or "", r["status_zh"], r["open_errors"], r["open_warnings"],
                   r["deadline"], r["days_to_deadline"], r["filename"] or "", r["version"], r["latest_review_id"] or ""])
    for col, width in zip("ABCDEFGHIJK", (28, 10, 20, 8, 6, 6, 12, 12, 30, 6, 34), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def chart(data: dict) -> dict:
    """Geometry of the two bar charts (statuses; most frequent problems) for the server-rendered SVG."""
    total = max(1, sum(data["counts"].values()))
    status_bars = [{"label": STATUS_ZH[k], "value": v, "width": round(300 * v / total, 1), "color": STATUS_COLOR[k],
                    "y": 8 + i * 26} for i, (k, v) in enumerate(data["counts"].items())]
    most = max([p["units"] for p in data["problems"]] or [1])
    problem_bars = [{"label": p["title"] if len(p["title"]) <= 34 else p["title"][:34] + "…", "value": p["units"],
                     "rule_id": p["rule_id"], "width": round(400 * p["units"] / most, 1), "y": 4 + i * 40}
                    for i, p in enumerate(data["problems"])]  # the title on a line of its own, the bar below
    return {"status_bars": status_bars, "status_height": 16 + 26 * len(status_bars),
            "problem_bars": problem_bars, "problem_height": 8 + 40 * max(1, len(problem_bars))}


def approve(s: Session, tenant_id: int, review_id: str, by: str) -> bool:
    """A reviewer approves a unit's latest version from the board: its report becomes 已通过 (review
    rounds' report status, on this version). False when the review is not the tenant's, is not linked
    to a report, or still has open errors."""
    from reviewer.services.rounds import decisions_of, open_counts, set_status
    from reviewer.store.models import Report

    sub = s.get(Submission, review_id)
    row = s.get(ReviewRow, review_id) if sub is not None else None
    if sub is None or sub.tenant_id != tenant_id or row is None or row.status != "ok" or not sub.report_id:
        return False
    if open_counts(row.review, decisions_of(s, sub.report_id)).get("error", 0):
        return False
    report = s.get(Report, sub.report_id)
    set_status(s, tenant_id, report.report_key, "approved", by)
    return s.get(Report, sub.report_id).status_review_id == sub.id
