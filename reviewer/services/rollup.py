"""Region roll-up (issue 16): a government's report written for the whole region (全市/全区/全县口径)
side by side with the sum of its subordinate units' reports of the same year.

Scopes differ legitimately — a 全市 report may count applications the departments also count, or
only those made to the government itself; a subordinate may not have reported yet — so the
comparison is a warning at most, never an error, and it is computed when it is looked at (the
subordinates' reports keep arriving after the government's was reviewed), not stored as a finding.

Who rolls up: a unit of kind 政府 with subordinate units in the roster, or one whose report names a
region rather than an office (its agency read as “某市”/“某区”/“某县”…). The sum is over the direct
subordinates only: a 区's own report is already its 全区 total, adding its departments again would
count them twice.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

# (label, cell path) compared: table 三 and 四 totals
TOTALS = [
    ("本年新收申请（总计）", "table3/new/total"),
    ("上年结转（总计）", "table3/carried/total"),
    ("办理结果（总计）", "table3/results_total/total"),
    ("结转下年度继续办理（总计）", "table3/forward/total"),
    ("行政复议（总计）", "table4/counts/review_total"),
    ("行政诉讼·未经复议直接起诉（总计）", "table4/counts/direct_total"),
    ("行政诉讼·复议后起诉（总计）", "table4/counts/after_total"),
]
_REGION = re.compile(r"(?:省|市|区|县|旗|州|盟|自治区|自治州|自治县)$")


def covers_region(unit, agency: str | None) -> bool:
    return unit.kind == "政府" or bool(agency and _REGION.search(agency.strip()))


def rollup(s: Session, tenant_id: int, unit_id: int | None, review: dict) -> dict | None:
    """The side-by-side comparison for a report, or None when the report does not roll up its
    subordinates (not a region's report, no subordinate units, or none of them has reported)."""
    from reviewer.services.board import unit_rows
    from reviewer.services.references import unit_of
    from reviewer.store.models import ReviewRow, Unit

    report = review.get("report") or {}
    if review.get("status") != "ok" or not report.get("year"):
        return None
    unit = unit_of(s, tenant_id, unit_id, report.get("agency"))
    if unit is None or not covers_region(unit, report.get("agency")):
        return None
    children = list(s.scalars(select(Unit).where(Unit.tenant_id == tenant_id, Unit.parent_id == unit.id)
                              .order_by(Unit.name)))
    if not children:
        return None
    year = int(report["year"])
    latest = {u["id"]: u["latest_review_id"] for u in unit_rows(s, tenant_id, year)}
    reported, missing = [], []
    for child in children:
        row = s.get(ReviewRow, latest.get(child.id)) if latest.get(child.id) else None
        if row is None or row.status != "ok":
            missing.append(child.name)
        else:
            reported.append((child.name, row.review.get("report", {}).get("cells") or {}))
    if not reported:
        return None
    own = report.get("cells") or {}
    rows = []
    for label, path in TOTALS:
        values = [cells.get(path) for _, cells in reported]
        known = [v for v in values if v is not None]
        total = sum(known) if known else None
        mine = own.get(path)
        if mine is None and total is None:
            continue
        diff = mine - total if mine is not None and total is not None else None
        rows.append({"label": label, "path": path, "this": mine, "subordinates": total, "diff": diff,
                     "unread": len(values) - len(known), "differs": diff not in (None, 0)})
    return {"unit": unit.name, "year": year, "severity": "warning" if any(r["differs"] for r in rows) else None,
            "subordinates": [name for name, _ in reported], "missing": missing, "rows": rows,
            "note": "全市/全区口径的报告与下级单位报告之和的对照：统计口径可能合理地不同（如本级与各部门重复计数、"
                    "下级尚未报送），差异仅供核实，不作为错误。"}
