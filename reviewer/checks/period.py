"""Years: title year, statistics period, and the years the narrative uses."""

from __future__ import annotations

import re

from reviewer.checks.registry import Context, check, declared, finding

TITLE_VS_PERIOD = declared("period.title_vs_period")
# The statistics-period sentence is a convention and a local requirement (e.g. Sichuan's
# DB51/T 2660), not one of the 2021 format (its figures are simply as of 31 December): a note.
MISSING = declared("period.missing")
MALFORMED = declared("period.malformed")
UNREADABLE = declared("period.unreadable")
NO_TITLE_YEAR = declared("period.title_year_missing")
DONE_YEAR = declared("period.narrative_year")
STALE_YEAR = declared("period.stale_year")
PLAN_YEAR = declared("period.plan_year")


@check(TITLE_VS_PERIOD, MISSING, MALFORMED, UNREADABLE, NO_TITLE_YEAR)
def title_and_period(ctx: Context):
    f = ctx.facts
    if f.year is None:
        yield finding(NO_TITLE_YEAR.id, "标题中没有找到报告年度（如“2023年政府信息公开工作年度报告”）",
                      suggestion="在标题中写明报告年度")
    if f.period_location is None:
        yield finding(MISSING.id, "未找到统计期限说明。国家格式未作硬性要求，但按惯例及部分地方规范"
                      "（如四川省地方标准DB51/T 2660）应写明统计期限",
                      suggestion=f"建议在开头补充：本报告所列数据的统计期限自{f.year or 'N'}年1月1日起至{f.year or 'N'}年12月31日止")
        return
    if f.period_unreadable:
        yield finding(UNREADABLE.id, f"统计期限“{f.period_text}”无法识别起止日期", [f.period_location],
                      suggestion=f"写明：统计期限自{f.year or 'N'}年1月1日起至{f.year or 'N'}年12月31日止",
                      evidence=[f.period_location.text or ""])
    elif f.period_problem:
        yield finding(MALFORMED.id, f"统计期限“{f.period_text}”有误：{f.period_problem}", [f.period_location],
                      suggestion=f"改为：{f.year or 'N'}年1月1日至{f.year or 'N'}年12月31日",
                      evidence=[f.period_location.text or ""])
    if f.year is not None and f.period_start:
        years = {int(f.period_start[:4]), int(f.period_end[:4])}
        if years != {f.year}:
            locs = [loc for loc in (f.title_location, f.period_location) if loc]
            narrative = [y.year for y in f.years if y.kind == "done" and y.section == "一"]
            hint = ""
            if f.year in narrative:
                hint = f"正文总体情况也按{f.year}年叙述，统计期限很可能写错。"
            yield finding(
                TITLE_VS_PERIOD.id,
                f"标题年度为{f.year}年，但统计期限为{f.period_text}，二者不一致。{hint}",
                locs, expected=f"{f.year}年1月1日至{f.year}年12月31日", actual=f.period_text,
                suggestion=f"核实报告年度：{f.year}年度报告的统计期限应为{f.year}年1月1日至{f.year}年12月31日",
                evidence=[loc.text or "" for loc in locs])


@check(DONE_YEAR, STALE_YEAR, PLAN_YEAR)
def narrative_years(ctx: Context):
    f = ctx.facts
    n = f.year
    if n is None:
        return
    for y in f.years:
        loc_kw = dict(section=y.section, block_id=y.block_id, span=y.span, text=f"{y.year}年")
        from reviewer.findings import Location

        loc = Location(**loc_kw)
        if y.kind == "report" and y.year == n + 1:  # the report for N+1 cannot exist when N's is written
            yield finding(DONE_YEAR.id,
                          f"{n}年度报告中，“{_short(y.text)}”称{y.year}年度的年度报告已经编制或发布；"
                          f"本报告是{n}年度报告，年份应为{n}年度",
                          [loc], expected=f"{n}年度", actual=f"{y.year}年度", evidence=[y.text],
                          suggestion=f"若指本报告，改为“{n}年度”；若是上一年度报告，改为“{n - 1}年度”")
        elif y.kind == "done" and y.year == n + 1:  # next year's work cannot be done yet
            # certain only when the sentence says it is done (了/已/取得); “2024年完成改造” in an improvement
            # plan may be a plan written without 将
            certain = bool(_SURELY_DONE.search(y.text)) or y.section != "五"
            yield finding(DONE_YEAR.id,
                          f"{n}年度报告中，“{_short(y.text)}”把{y.year}年（下一年度）的工作写成已经完成的工作",
                          [loc], expected=f"{n}年", actual=f"{y.year}年", evidence=[y.text],
                          severity="error" if certain else "warning",
                          suggestion=f"若叙述的是{n}年的工作，改为“{n}年”；若是计划，改用将来时表述")
        # N−1 for this year's work: a sentence copied from last year's report, likely but not certain (a
        # comparison written without “较”). Section 五 legitimately reviews last year's problems; a bare
        # narration (“2023年，本局坚持…”) is only judged in 总体情况, where each year's report opens so.
        elif y.year == n - 1 and y.section != "五" and (y.kind == "done" or (y.kind == "narration" and y.section == "一")):
            yield finding(STALE_YEAR.id,
                          f"{n}年度报告中，“{_short(y.text)}”用{y.year}年（上一年度）叙述工作，疑似沿用了上年报告的表述",
                          [loc], expected=f"{n}年", actual=f"{y.year}年", evidence=[y.text],
                          suggestion=f"若叙述的是{n}年的工作，改为“{n}年”；若是与上年比较，写明“较{y.year}年”")
        elif y.kind == "plan" and y.section == "五" and y.year <= n:
            yield finding(PLAN_YEAR.id,
                          f"第五部分的改进计划写的是“{y.year}年”，{n}年度报告的改进计划通常应针对{n + 1}年",
                          [loc], expected=f"{n + 1}年", actual=f"{y.year}年", evidence=[y.text],
                          suggestion=f"核实年份，计划安排应写为“{n + 1}年”")


_SURELY_DONE = re.compile(r"了|已|取得|得到|收到|办结")


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "……"
