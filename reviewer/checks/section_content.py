"""What the format requires some sections to say: the 信息处理费 statement (六) and concrete
problems and measures (五)."""

from __future__ import annotations

import re

from reviewer.checks.prose import prose_segments, section_text
from reviewer.checks.registry import Context, check, declared, finding
from reviewer.findings import Location

FEE_STATEMENT = declared("structure.fee_statement_missing")
PROBLEMS_EMPTY = declared("structure.problems_empty")

# Table labels that carry fee words but state nothing about the agency's fees
_FEE_LABELS = re.compile(r"逾期未按收费通知要求缴纳费用|行政事业性收费|本年收费金额|收费金额（单位：万元）")
# Any wording about charging applicants: “未收取信息处理费”, “收费0元”, “未收取任何费用”,
# “发出收费通知0件”, “免费提供” — a report that says any of this has made its statement
_FEE_WORDS = re.compile(r"处理费|收费|收取[^。；]{0,12}费|(?:未|不|没有|无)收[^。；]{0,6}费|免费|费用")
# “无”, “暂无。”, “本年度无”, “没有相关情况”: nothing said
_NOTHING = re.compile(r"^(?:本(?:年度|年|机关|单位))?(?:暂)?(?:无|没有)(?:相关情况|此类情况|其他情况|问题|存在的问题)?$")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s。．.，,；;：:！!、“”\"'（）()]+")


def _heading_loc(sec) -> Location:
    return Location(section=sec.key, block_id=sec.block_id or None, span=(sec.start, sec.start + len(sec.heading)),
                    text=sec.heading)


@check(FEE_STATEMENT)
def fee_statement(ctx: Context):
    # the 2019 trial format has no such requirement; the 2021 format puts it in section 六
    if ctx.fmt.id != "gov-disclosure-2021":
        return
    six = next((s for s in ctx.facts.sections if s.key == "六"), None)
    if six is None:  # structure.missing_section already says so
        return
    prose = "".join(seg.text for seg in prose_segments(ctx))
    # section 六 read whole, tables included: some reports give the fee figures as a small table
    prose = _SPACE.sub("", prose + ctx.doc.text[six.start:six.end])
    if _FEE_WORDS.search(_FEE_LABELS.sub("", prose)):
        return  # stated, in 六 or anywhere else (总体情况 often says “未收取任何费用”)
    yield finding(FEE_STATEMENT.id,
                  "报告未说明依申请公开收取信息处理费的情况；2021年格式要求在第六部分报告按照"
                  "《政府信息公开信息处理费管理办法》收取信息处理费的情况（未收取也应写明）",
                  [_heading_loc(six)],
                  suggestion="在第六部分写明，如“本年度未收取信息处理费”，或“发出收费通知N件，收取信息处理费N元”")


@check(PROBLEMS_EMPTY)
def problems_section(ctx: Context):
    five = next((s for s in ctx.facts.sections if s.key == "五"), None)
    if five is None:
        return
    body, _segs = section_text(ctx, "五")
    if any(b.kind == "table" and five.start <= b.span[0] < five.end for b in ctx.doc.blocks) or \
            any(t.found and t.span and five.start <= t.span[0] < five.end for t in ctx.facts.tables.values()):
        return  # 五 holds a table (problems listed in one, or a misplaced table): its text is not read here
    said = _PUNCT.sub("", body)
    if said and not _NOTHING.match(said):
        return
    what = "为空" if not said else f"只写了“{body.strip()}”"
    yield finding(PROBLEMS_EMPTY.id,
                  f"第五部分“{five.heading}”{what}；标准格式要求写明本年度工作存在的主要问题和具体改进措施",
                  [_heading_loc(five)], evidence=[body.strip()] if said else [],
                  suggestion="列出本年度政府信息公开工作存在的具体问题，以及针对每个问题的改进措施和时间安排")
