"""Year over year, same agency: carry-over per column and the count of rules in force.

Rules (docs/domain.md §3, across years):
* ``continuity.carry_over``: this year's 二、上年结转 must equal last year's
  四、结转下年度继续办理, column by column. An error only in the 总计 column: after 机构改革
  (an absorbed agency's cases come over) or when an applicant is put in another category, a
  single column legitimately differs while the total holds, so that is a warning;
* ``continuity.in_force`` (warning): 现行有效件数 should be last year's + 本年制发 − 本年废止,
  for 规章 and 行政规范性文件 (revisions and clean-ups legitimately break it).
"""

from __future__ import annotations

from reviewer.checks.crossreport_rules import CARRY_OVER, IN_FORCE
from reviewer.checks.registry import finding
from reviewer.checks.registry import fmt_num as _num
from reviewer.crossreport.model import Report
from reviewer.extract.facts import CellValue
from reviewer.findings import Finding
from reviewer.formats import GOV_2021

# labels from the format declaration (the carry-over columns, the rows whose 现行有效件数 carry on)
T3_COLUMNS = {c.key: c.label for c in GOV_2021.table("table3").columns}
T2_ROWS = {r.key: r.label for r in GOV_2021.table("table2_1").rows}


def _cell(report: Report, table: str, row: str, col: str) -> CellValue | None:
    t = report.facts.tables.get(table)
    if t is None or not t.found or not t.readable:
        return None
    cell = t.get(row, col)
    return cell if cell is not None and cell.readable else None


def carry_over(this: Report, last: Report) -> list[Finding]:
    out = []
    for col, label in T3_COLUMNS.items():
        now, before = _cell(this, "table3", "carried", col), _cell(last, "table3", "forward", col)
        if now is None or before is None or now.value == before.value:
            continue
        loc = now.location.model_copy(update={"label": now.location.label or f"二、上年结转 / {label}"})
        message = (f"{label}列：本年“上年结转政府信息公开申请数量”为{_num(now.value)}，"
                   f"但{last.name}的“结转下年度继续办理”为{_num(before.value)}")
        total = col == "total"
        if not total:
            message += "。若本年发生机构改革（承接了其他机关的未办结申请）或调整了申请人类别，个别列可能合理地不一致"
        out.append(finding(
            CARRY_OVER.id, message, [loc],
            evidence=[f"{last.name}：四、结转下年度继续办理 / {label} = {before.raw or _num(before.value)}"],
            expected=_num(before.value), actual=_num(now.value), severity="error" if total else "warning",
            suggestion=(f"核对{label}列的上年结转数，应与上年度报告的结转下年度继续办理数一致"
                        + ("" if total else "；如因机构改革或申请人类别调整而不同，请在报告中说明")),
        ))
    return out


def in_force(this: Report, last: Report) -> list[Finding]:
    out = []
    for row, label in T2_ROWS.items():
        now = _cell(this, "table2_1", row, "in_force")
        before = _cell(last, "table2_1", row, "in_force")
        issued = _cell(this, "table2_1", row, "issued")
        abolished = _cell(this, "table2_1", row, "abolished")
        if None in (now, before, issued, abolished):
            continue
        expected = before.value + issued.value - abolished.value
        if abs(now.value - expected) < 1e-9:
            continue
        loc = now.location.model_copy(update={"label": now.location.label or f"{label} / 现行有效件数"})
        out.append(finding(
            IN_FORCE.id,
            (f"{label}现行有效件数为{_num(now.value)}，按上年度现行有效{_num(before.value)}件"
                     f"加本年制发{_num(issued.value)}件、减本年废止{_num(abolished.value)}件，应为{_num(expected)}件"),
            [loc, issued.location, abolished.location],
            evidence=[f"{last.name}：{label} / 现行有效件数 = {before.raw or _num(before.value)}"],
            expected=_num(expected), actual=_num(now.value),
            suggestion="核对现行有效件数；若本年有修订、清理或统计口径变化，请在报告中说明",
        ))
    return out


def check_pair(this: Report, last: Report) -> list[Finding]:
    return carry_over(this, last) + in_force(this, last)
