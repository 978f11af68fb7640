"""Batch summaries: XLSX (reports / findings / rules), CSV, and an HTML overview.

All three read the same rows, built once from the Reviews. Draft text is
untrusted: cells that a spreadsheet would evaluate (``=…``, ``+…``) are written
as literal text, and characters XLSX cannot hold are dropped.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path

from reviewer.findings import Finding, Review, SEVERITY_ORDER
from reviewer.render.anchors import CATEGORY_ZH, SEVERITY_ZH
from reviewer.render.safe_text import safe_model, safe_text

TOP_PROBLEMS = 3
STATUS_ZH = {"ok": "已审核", "failed": "无法审核"}
REPORT_COLUMNS = ["序号", "文件", "机关", "年度", "状态", "错误", "警告", "提示", "主要问题", "大模型审核", "失败原因"]
FINDING_COLUMNS = ["序号", "文件", "机关", "年度", "严重程度", "类别", "规则", "问题", "位置", "原文", "应为", "实为",
                   "建议", "来源"]
RULE_COLUMNS = ["规则", "类别", "严重程度", "意见条数", "涉及报告数", "示例"]
# review rounds (issue 15), when the summary knows each report's version: ``rounds`` maps review id →
# {"version", "open_counts", "delta", "decisions": {fingerprint: decision}} (reviewer.services.rounds)
ROUND_REPORT_COLUMNS = ["版本", "待改错误", "已修改", "新增", "仍存在", "已忽略"]
ROUND_FINDING_COLUMNS = ["与上一稿相比", "处理意见"]
_DECISION_ZH = {"accepted": "采纳", "dismissed": "不采纳"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RuleCount:
    rule_id: str
    category: str
    severity: str
    findings: int
    reports: int
    example: str


def _agency(r: Review) -> str:
    return r.report.agency or ""


def top_problems(r: Review, n: int = TOP_PROBLEMS) -> list[str]:
    ordered = sorted(r.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    seen: list[str] = []
    for f in ordered:
        if f.message not in seen:
            seen.append(f.message)
        if len(seen) == n:
            break
    return seen


def status_zh(r: Review) -> str:
    """已审核; for a file not reviewed, 已跳过 (not a report) or 无法审核 as the batch rows word it."""
    if r.status == "ok" or r.error is None:
        return STATUS_ZH.get(r.status, r.status)
    from reviewer.batch.rows import STATE_ZH, state_of

    return STATE_ZH[state_of(r.error.code)]


def report_rows(reviews: list[Review], rounds: dict | None = None) -> list[list]:
    rows = []
    for i, r in enumerate(reviews, 1):
        c = r.counts()
        rows.append([i, r.source, _agency(r), r.report.year or "", status_zh(r),
                     c["error"], c["warning"], c["info"], "；".join(top_problems(r)),
                     {"ok": "已完成", "skipped": "未启用", "failed": "失败"}.get(r.llm.status, r.llm.status),
                     r.error.message if r.error else ""])
        if rounds is not None:
            rows[-1].extend(_round_cells(rounds.get(r.review_id) or {}))
    return rows


def _round_cells(info: dict) -> list:
    delta = info.get("delta") or {}
    counts = delta.get("counts") or {}
    compared = bool(delta.get("previous_review_id"))
    return [info.get("version") or "", (info.get("open_counts") or {}).get("error", ""),
            *(counts.get(k, "") if compared else "" for k in ("fixed", "new", "open")), counts.get("dismissed", "")]


def _finding_round_cells(f: Finding, info: dict) -> list:
    delta = info.get("delta") or {}
    change = ""
    if delta.get("previous_review_id"):
        change = "新增" if f.fingerprint in (delta.get("new") or ()) else \
            "仍存在" if f.fingerprint in (delta.get("open") or ()) else ""
    d = (info.get("decisions") or {}).get(f.fingerprint) or {}
    decided = _DECISION_ZH.get(d.get("decision"), "")
    return [change, f"{decided}：{d['reason']}" if decided and d.get("reason") else decided]


def _where(f: Finding) -> tuple[str, str]:
    """(位置, 原文): each place named once, as found on paper (“第2页 · 表三 · 一、本年新收 · 自然人”,
    “第一部分第3段”); older reviews without ``place``: a table cell by its label, other text by its section."""
    labels = [loc.place or loc.label or (f"第{loc.section}部分" if loc.section else "") for loc in f.locations]
    texts = [loc.text or "" for loc in f.locations]
    return "；".join(x for x in dict.fromkeys(labels) if x), "；".join(x for x in dict.fromkeys(texts) if x)


def finding_rows(reviews: list[Review], rounds: dict | None = None) -> list[list]:
    rows = []
    for i, r in enumerate(reviews, 1):
        for f in r.findings:
            where, text = _where(f)
            rows.append([i, r.source, _agency(r), r.report.year or "", SEVERITY_ZH.get(f.severity, f.severity),
                         CATEGORY_ZH.get(f.category, f.category), f.rule_id, f.message, where, text,
                         f.expected or "", f.actual or "", f.suggestion or "", "大模型" if f.origin == "llm" else "规则"])
            if rounds is not None:
                rows[-1].extend(_finding_round_cells(f, rounds.get(r.review_id) or {}))
    return rows


def rule_counts(reviews: list[Review]) -> list[RuleCount]:
    findings: Counter[str] = Counter()
    reports: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for r in reviews:
        for rule in {f.rule_id for f in r.findings}:
            reports[rule] += 1
        for f in r.findings:
            findings[f.rule_id] += 1
            first.setdefault(f.rule_id, f)
    out = [RuleCount(rule, first[rule].category, first[rule].severity, n, reports[rule], first[rule].message)
           for rule, n in findings.items()]
    return sorted(out, key=lambda rc: (-rc.reports, -rc.findings, rc.rule_id))


def _safe(value):
    if isinstance(value, str):
        value = safe_text(value)
        if value.startswith(_FORMULA_START):
            value = "'" + value  # shown as text, never evaluated
    return value


def profile_note(reviews: list[Review]) -> str | None:
    """One line naming the rule profile the reviews applied and what it hid or re-graded; None without one."""
    profiles = [r.profile for r in reviews if r.profile]
    if not profiles:
        return None
    parts = ["规则配置：" + "、".join(sorted({p.name for p in profiles}))]
    hidden, regraded = sum(p.hidden for p in profiles), sum(p.regraded for p in profiles)
    if hidden:
        parts.append(f"按配置未显示{hidden}条")
    if regraded:
        parts.append(f"调整级别{regraded}条")
    return "；".join(parts)


def _profile_rows(reviews: list[Review]) -> list[list]:
    profiles = {p.name: p for p in (r.profile for r in reviews) if p}
    rows = []
    for p in profiles.values():
        rows += [["配置", p.name], ["只运行", "、".join(p.select)], ["不运行", "、".join(p.ignore)],
                 ["调整级别", "、".join(f"{k}→{SEVERITY_ZH.get(v, v)}" for k, v in p.severity.items())]]
    return rows + [["说明", profile_note(reviews) or ""]]


def xlsx_bytes(reviews: list[Review], rounds: dict | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    sheets = [
        ("报告汇总", _columns(REPORT_COLUMNS, ROUND_REPORT_COLUMNS, rounds), report_rows(reviews, rounds),
         [6, 28, 26, 7, 9, 6, 6, 6, 70, 10, 30, 6, 9, 7, 7, 7, 7]),
        ("审核意见", _columns(FINDING_COLUMNS, ROUND_FINDING_COLUMNS, rounds), finding_rows(reviews, rounds),
         [6, 28, 26, 7, 8, 10, 24, 60, 24, 24, 8, 8, 40, 8, 12, 30]),
        ("规则统计", RULE_COLUMNS,
         [[rc.rule_id, CATEGORY_ZH.get(rc.category, rc.category), SEVERITY_ZH.get(rc.severity, rc.severity),
           rc.findings, rc.reports, rc.example] for rc in rule_counts(reviews)], [28, 12, 9, 9, 11, 70]),
    ]
    if any(r.profile for r in reviews):
        sheets.append(("规则配置", ["项目", "内容"], _profile_rows(reviews), [12, 90]))
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="34495E")
    for k, (title, columns, rows, widths) in enumerate(sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = title
        ws.append(columns)
        for cell in ws[1]:
            cell.font, cell.fill = head_font, head_fill
        for row in rows:
            ws.append([_safe(v) for v in row])
        for col, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _columns(base: list[str], extra: list[str], rounds: dict | None) -> list[str]:
    return base + extra if rounds is not None else base


def csv_text(reviews: list[Review], kind: str = "reports", rounds: dict | None = None) -> str:
    """``reports`` (one row per report) or ``findings`` (one row per finding), UTF-8 with BOM for Excel."""
    if kind == "reports":
        columns, rows = _columns(REPORT_COLUMNS, ROUND_REPORT_COLUMNS, rounds), report_rows(reviews, rounds)
    else:
        columns, rows = _columns(FINDING_COLUMNS, ROUND_FINDING_COLUMNS, rounds), finding_rows(reviews, rounds)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([[_safe(v) for v in row] for row in rows])
    return "\ufeff" + buf.getvalue()


_CSS = """body{font:14px/1.5 sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#34495e;color:#fff;cursor:pointer;user-select:none}th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}
td.n{text-align:right}tr.failed td{background:#fdecea}.err{color:#c62828;font-weight:bold}svg text{font:12px sans-serif}"""

# Click a header to sort by it; numbers sort numerically, text by the Chinese collation.
_JS = """document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
var t=th.closest('table'),b=t.tBodies[0],asc=!th.classList.contains('asc');
t.querySelectorAll('th').forEach(function(h){h.classList.remove('asc','desc')});th.classList.add(asc?'asc':'desc');
var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var a=x.cells[i].getAttribute('data-v')||x.cells[i].textContent,
c=y.cells[i].getAttribute('data-v')||y.cells[i].textContent,na=parseFloat(a),nc=parseFloat(c);
var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c,'zh-CN');return asc?r:-r;});rows.forEach(function(r){b.appendChild(r)});});});"""


def _chart(counts: list[RuleCount], top: int = 10) -> str:
    """Horizontal bars: how many reports each of the most common problems appears in."""
    items = counts[:top]
    if not items:
        return "<p>没有审核意见。</p>"
    bar_h, label_w, width = 22, 300, 760
    scale = (width - label_w - 60) / max(rc.reports for rc in items)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{bar_h * len(items) + 10}" '
             f'role="img" aria-label="最常见问题">']
    for i, rc in enumerate(items):
        y = 5 + i * bar_h
        color = {"error": "#c62828", "warning": "#ef6c00"}.get(rc.severity, "#1e88e5")
        label = rc.example if len(rc.example) <= 22 else rc.example[:21] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"><title>{escape(rc.rule_id)}</title>'
                     f"{escape(label)}</text>"
                     f'<rect x="{label_w}" y="{y + 3}" width="{max(rc.reports * scale, 1):.1f}" height="{bar_h - 6}" '
                     f'fill="{color}"/><text x="{label_w + rc.reports * scale + 6:.1f}" y="{y + 15}">{rc.reports}</text>')
    parts.append("</svg>")
    return "".join(parts)


def overview_html(reviews: list[Review], title: str = "政府信息公开工作年度报告审核汇总") -> str:
    reviews = [safe_model(r) for r in reviews]
    counts = rule_counts(reviews)
    n_err = sum(1 for r in reviews if r.has_errors)
    n_failed = sum(1 for r in reviews if r.status == "failed")
    head = "".join(f"<th>{escape(c)}</th>" for c in REPORT_COLUMNS)
    body = []
    for row, r in zip(report_rows(reviews), reviews):
        cells = []
        for k, v in enumerate(row):
            cls = ' class="n"' if isinstance(v, int) else ""
            if k == 5 and v:
                cls = ' class="n err"'
            cells.append(f"<td{cls}>{escape(str(v))}</td>")
        body.append(f'<tr class="{r.status}">{"".join(cells)}</tr>')
    rule_rows = "".join(
        f"<tr><td>{escape(rc.rule_id)}</td><td>{escape(CATEGORY_ZH.get(rc.category, rc.category))}</td>"
        f"<td>{escape(SEVERITY_ZH.get(rc.severity, rc.severity))}</td><td class=\"n\">{rc.findings}</td>"
        f"<td class=\"n\">{rc.reports}</td><td>{escape(rc.example)}</td></tr>" for rc in counts)
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>共 {len(reviews)} 份报告；{n_err} 份有错误；{n_failed} 份无法审核。</p>"
        + (f'<p class="profile">{escape(note)}</p>' if (note := profile_note(reviews)) else "") +
        f"<h2>最常见的问题（涉及报告数）</h2>{_chart(counts)}"
        f'<h2>各报告情况（点击表头排序）</h2><table class="sortable" id="reports"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<h2>按规则统计</h2><table class="sortable" id="rules"><thead><tr>'
        f"{''.join(f'<th>{escape(c)}</th>' for c in RULE_COLUMNS)}</tr></thead><tbody>{rule_rows}</tbody></table>"
        f"<script>{_JS}</script></body></html>"
    )


def write_summary(reviews: list[Review], path: str | Path) -> Path:
    """Write by extension: .xlsx, .csv (per report; ``*.findings.csv`` per finding) or .html."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".xlsx":
        p.write_bytes(xlsx_bytes(reviews))
    elif ext == ".csv":
        kind = "findings" if p.name.lower().endswith(".findings.csv") else "reports"
        p.write_text(csv_text(reviews, kind), encoding="utf-8")
    elif ext in (".html", ".htm"):
        p.write_text(overview_html(reviews), encoding="utf-8")
    else:
        raise ValueError(f"unsupported summary format {ext!r}: use .xlsx, .csv or .html")
    return p
