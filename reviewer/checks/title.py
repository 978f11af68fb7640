"""The report's name: 条例 art. 49 calls it the 政府信息公开工作年度报告."""

from __future__ import annotations

import re

from reviewer.checks.registry import Context, check, declared, finding
from reviewer.extract.textnorm import compact
from reviewer.findings import Location

TITLE_WORDING = declared("structure.title_wording")

# the name as written: subject (政府信息公开 / 政务公开 / 信息公开), optional 工作, kind of document
_NAME = re.compile(r"(政府信息公开|政务信息公开|政务公开|信息公开)(工作)?(年度报告|年报|工作总结|总结|情况汇报|汇报|报告)")
_YEAR = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})年")
_TITLE_MAX = 80  # a title line; longer blocks are prose (or a crawled page's whole body)
_HEAD_BLOCKS = 6


def _title_line(ctx: Context) -> tuple[str, tuple[int, int], str] | None:
    """(name as written, its span, block id) from the first short lines of the draft."""
    lines = []
    for block in [b for b in ctx.doc.blocks if b.kind != "table"][:_HEAD_BLOCKS]:
        if len(block.text.strip()) > _TITLE_MAX:
            continue
        comp = compact(block.text, block.span[0])
        if _NAME.search(comp.text):
            lines.append((comp.text, comp.span(0, len(comp.text)), block.id))
    # the title names the year; a breadcrumb (“首页>政府信息公开年报”) does not
    dated = [line for line in lines if _YEAR.search(line[0])]
    if dated or lines:
        return (dated or lines)[0]
    loc = ctx.facts.title_location
    if ctx.facts.title and loc and loc.span:
        return ctx.facts.title, loc.span, loc.block_id
    return None


def _problems(title: str) -> tuple[list[str], str]:
    """What is wrong with the name, and the severity: warning for another document's name
    (政务公开, 总结, 汇报), info for a shortened name that still says what it is."""
    m = _NAME.search(title)
    if m is None:
        return [], "info"
    subject, _work, kind = m.groups()
    wrong, style = [], []
    if subject == "政务公开" or subject == "政务信息公开":
        wrong.append(f"“{subject}”应为“政府信息公开”（政务公开工作报告是另一种材料）")
    elif subject == "信息公开":
        style.append("“信息公开”前缺少“政府”")
    if kind in ("工作总结", "总结", "情况汇报", "汇报"):
        wrong.append(f"“{kind}”应为“年度报告”")
    elif kind == "报告" and "年度" not in title[:m.start()]:
        style.append("“报告”宜写为“年度报告”")
    problems = wrong + style
    return problems, "warning" if wrong else "info"


@check(TITLE_WORDING)
def title_wording(ctx: Context):
    found = _title_line(ctx)
    if found is None:
        return  # no title to judge (period.title_year_missing covers a missing year)
    title, span, block_id = found
    problems, severity = _problems(title)
    if not problems:
        return
    year = ctx.facts.year or "N"
    agency = ctx.facts.agency or ""
    yield finding(TITLE_WORDING.id, f"标题“{title}”：{'；'.join(problems)}",
                  [Location(block_id=block_id, span=span, text=ctx.doc.text[span[0]:span[1]])],
                  severity=severity, evidence=[title],
                  expected=f"{agency}{year}年政府信息公开工作年度报告",
                  suggestion=f"按《中华人民共和国政府信息公开条例》第四十九条，标题写为“{agency}{year}年政府信息公开工作年度报告”")
