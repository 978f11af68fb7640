"""Numbers that add up but are implausible: 规章 from a body that cannot make them, a fee amount
entered in 元 under the 万元 column, and a high share of 其他处理."""

from __future__ import annotations

import re

from reviewer.checks.agency_level import can_make_rules, classify
from reviewer.checks.crossref import metric_cells
from reviewer.checks.registry import Context, check, declared, finding, fmt_num
from reviewer.formats import own_format

RULES_POWER = declared("table2.rules_by_non_rulemaker")
FEES_IN_YUAN = declared("table2.fees_in_yuan")
OTHER_SHARE = declared("table3.other_handling_share")

# 万元 amounts no agency of the level plausibly collects in a year; above them the figure is
# almost certainly 元 (125000 written for 12.5万元). A government's own report adds up all its
# departments, so it gets the next level's limit: a county-level department 1亿元; a county-level
# government or a city's department 10亿元; anything else (a city or provincial government, a
# province's department, a ministry, an unknown body) 100亿元.
FEE_LIMITS = {"county_department": 10_000, "county_government": 100_000, "city_department": 100_000,
              "other": 1_000_000}
# The catch-all “（六）其他处理 3.其他” (2021 format; the whole （六） in the 2019 trial layout, which has
# no items) above this share of （七）总计, with at least this many cases, asks for a second look.
# 逾期不补正 and 逾期不缴费 are specific legal outcomes (条例 art. 30, 信息处理费管理办法) and do not count.
OTHER_SHARE_LIMIT = 0.30
OTHER_MIN_CASES = 5
_YUAN_HEADER = re.compile(r"(?<!万)元")
_YUAN_EXACT = re.compile(r"\.\d{4,6}\s*$")  # 4–6 decimals of 万元: exact to the yuan / jiao / fen


@check(RULES_POWER)
def rules_power(ctx: Context):
    if can_make_rules(ctx.facts.agency) is not False:
        return
    cells = [c for c in metric_cells(own_format(ctx.facts), ctx.facts, "rules.all", values=False) or () if c.value]
    if not cells:
        return
    shown = "、".join(f"{c.location.label}为{fmt_num(c.value)}" for c in cells)
    yield finding(RULES_POWER.id,
                  f"“{ctx.facts.agency}”无权制定规章（《立法法》规定只有国务院部门和省、自治区、直辖市、设区的市、"
                  f"自治州人民政府可以制定规章），但第二十条第（一）项的规章一行填有数字：{shown}",
                  [c.location for c in cells], actual=shown, expected="0",
                  suggestion="本机关制发的文件应填入“行政规范性文件”一行；规章一行填0（如确为牵头起草的上级规章，"
                             "请在正文说明）")


def _fee_limit(agency: str | None) -> tuple[int, str]:
    kind, level, _ = classify(agency)
    if level in ("county", "town"):
        if kind == "department":
            return FEE_LIMITS["county_department"], "县级及以下部门"
        return FEE_LIMITS["county_government"], "县级及以下政府"
    if level == "city" and kind == "department":
        return FEE_LIMITS["city_department"], "市级部门"
    return FEE_LIMITS["other"], "单个机关"


@check(FEES_IN_YUAN)
def fees_in_yuan(ctx: Context):
    (cell,) = metric_cells(own_format(ctx.facts), ctx.facts, "fees.amount") or (None,)
    if cell is None or not cell.value or not cell.span:
        return
    limit, who = _fee_limit(ctx.facts.agency)
    if cell.value < limit:
        return
    if _YUAN_EXACT.search(cell.raw):
        return  # 18651.064104: 万元 to the yuan (or fen), a converted amount, not one entered in 元
    table = ctx.facts.tables[cell.table]
    head = ctx.doc.text[table.span[0]:cell.span[0]] if table.span else ""
    if "万元" not in head and _YUAN_HEADER.search(head):
        return  # the draft's own column says 元: the unit is stated, not mistaken
    as_wan = cell.value / 10_000
    yield finding(FEES_IN_YUAN.id,
                  f"行政事业性收费“本年收费金额（单位：万元）”填的是{fmt_num(cell.value)}，即{fmt_num(cell.value / 10_000)}亿元，"
                  f"超出{who}一年收费的合理范围（{fmt_num(limit / 10_000)}亿元）；很可能是按“元”填写，"
                  f"按万元应为{as_wan:g}",
                  [cell.location], actual=fmt_num(cell.value), expected=f"{as_wan:g}",
                  suggestion=f"核实单位：若{fmt_num(cell.value)}是元，应填{as_wan:g}（万元）")


@check(OTHER_SHARE)
def other_share(ctx: Context):
    fmt = own_format(ctx.facts)
    (total,) = metric_cells(fmt, ctx.facts, "apply.handled") or (None,)
    cells = metric_cells(fmt, ctx.facts, "apply.other_catchall")
    if total is None or not total.value or not cells:
        return
    other = sum(c.value for c in cells)
    share = other / total.value
    if other < OTHER_MIN_CASES or share <= OTHER_SHARE_LIMIT:
        return
    row = ctx.layout.table(cells[0].table).row(cells[0].row)
    parent = ctx.layout.table(cells[0].table).row(row.parent) if row.parent else None
    label = f"{parent.full_label}中的“{row.full_label}”" if parent else row.full_label
    yield finding(OTHER_SHARE.id,
                  f"{label}共{fmt_num(other)}件，占本年度办理结果（七）总计{fmt_num(total.value)}件的"
                  f"{share:.0%}，比例偏高；兜底情形过多时，上级主管部门会要求说明",
                  [c.location for c in cells if c.value] + [total.location],
                  actual=f"{share:.1%}", expected=f"≤{OTHER_SHARE_LIMIT:.0%}",
                  suggestion="逐件核实能否归入（一）至（五）或（六）1、2项的具体情形；确属其他情形的，"
                             "建议在第三部分正文说明是哪些情形")


IN_FORCE_BELOW_ISSUED = declared("arithmetic.in_force_below_issued")


@check(IN_FORCE_BELOW_ISSUED)
def in_force_below_issued(ctx: Context):
    """Per row of 第二十条第（一）项 (规章, 行政规范性文件): fewer in force than issued this year, more
    than this year's abolitions can explain (a document issued and abolished in the same year)."""
    for kind in ("rules", "normative"):
        refs = [ctx.fmt.metric(f"{kind}.{col}") for col in ("issued", "abolished", "in_force")]
        if not all(m and len(m.cells) == 1 for m in refs):
            continue  # the format counts these documents otherwise (the 2019 trial format)
        cells = []
        for m in refs:
            table_id, key = m.cells[0].split("/", 1)
            table = ctx.facts.tables.get(table_id)
            cell = table.cells.get(key) if table is not None and table.readable else None
            cells.append(cell if cell is not None and cell.value is not None else None)
        issued, abolished, in_force = cells
        if issued is None or in_force is None:
            continue
        gone = abolished.value if abolished is not None else 0
        if in_force.value >= issued.value - gone:
            continue
        label = issued.location.label.split(" / ")[0]
        yield finding(IN_FORCE_BELOW_ISSUED.id,
                      f"“{label}”现行有效件数为{fmt_num(in_force.value)}，少于本年制发件数{fmt_num(issued.value)}"
                      f"（本年废止{fmt_num(gone)}件也不足以解释）",
                      [in_force.location, issued.location], expected=f"≥{fmt_num(issued.value - gone)}",
                      actual=fmt_num(in_force.value),
                      suggestion="本年制发的文件一般仍然有效，现行有效件数应包括它们；核对两列是否填反或漏计")
