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
from reviewer.checks.crossref import metric_cells
from reviewer.formats import own_format

# the metrics compared across years, from each report's own format (a 2020 report in the trial format
# carries over into a 2021 one): per applicant column, then the 总计
_COLUMNS = ("natural", "commercial", "research", "nonprofit", "legal", "other", "")
_IN_FORCE = ("rules", "normative")


def _metric(report: Report, metric_id: str) -> CellValue | None:
    cells = metric_cells(own_format(report.facts), report.facts, metric_id)
    if not cells or len(cells) != 1 or not cells[0].readable:
        return None
    return cells[0]


def _column_label(cell: CellValue, fallback: str) -> str:
    label = cell.location.label or ""
    return label.split(" / ")[-1] if " / " in label else fallback


def carry_over(this: Report, last: Report) -> list[Finding]:
    out = []
    for col in _COLUMNS:
        suffix = f".{col}" if col else ""
        now, before = _metric(this, f"apply.carried{suffix}"), _metric(last, f"apply.forward{suffix}")
        if now is None or before is None or now.value == before.value:
            continue
        label = _column_label(now, col or "总计")
        loc = now.location.model_copy(update={"label": now.location.label or f"二、上年结转 / {label}"})
        message = (f"{label}列：本年“上年结转政府信息公开申请数量”为{_num(now.value)}，"
                   f"但{last.name}的“结转下年度继续办理”为{_num(before.value)}")
        total = not col
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
    for kind in _IN_FORCE:
        now = _metric(this, f"{kind}.in_force")
        before = _metric(last, f"{kind}.in_force")
        issued = _metric(this, f"{kind}.issued")
        abolished = _metric(this, f"{kind}.abolished")
        if None in (now, before, issued, abolished):
            continue
        label = (now.location.label or kind).split(" / ")[0]
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
