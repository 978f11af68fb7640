"""Years the narrative uses for work, and whether the work is done or planned.

Only a year that opens a sentence or clause (“2024年，我局通过……”) dates the
action of that sentence; years inside titles, dates, budgets of other years or
comparisons (“较2022年”) are “other” and never judged.
"""

from __future__ import annotations

import re

from reviewer.document import Document
from reviewer.extract.facts import SectionInfo, YearMention, section_at
from reviewer.extract.textnorm import Compact, compact

_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")
_YEAR = re.compile(r"(?<!\d)(\d{4})年(?!\d{1,2}月)(度)?")
_OPENING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.]|\d+[.、])?(?:在|于|自|截至|截止)?$")
# “将” is future only as “我们将/将进一步…”; “并将申请人所申请的信息发送给…” is the disposal “将” (= 把)
_PLAN = re.compile(
    r"(?:我们|我局|我委|我办|我厅|我区|我县|我市|本局|本单位|本机关|全区|全县|全市)将|"
    r"将(?:进一步|继续|持续|不断|着力|重点|全面|深入|积极|认真|严格|加强|加大|加快|推进|完善|强化|做好|以|在|围绕|坚持|聚焦)|"
    # “2024年将完成改造”, “2024年，将启动…”: 将 right after the year (or its comma) is the future
    r"年(?:度)?(?:[，,])?(?:内|底前|上半年|下半年)?将|"
    r"将(?:完成|实现|开展|建成|启动|出台|制定|修订|组织|建立|推动|落实|开发|上线|举办|编制|印发|实施|探索|优化|提升)|"
    r"拟|计划|预计|力争|下一步|下步|下一年|明年|今后|未来|打算|争取|目标|要点|任务是|安排")
# a count of things (“公开政府信息120条”) reports work done, unless the sentence plans it
_DONE = re.compile(r"了|已|取得|完成|实现|收到|办结|办理了|累计|共计|共发布|共公开|印发|制定|开展了|"
                   r"\d+(?:件|条|个|篇|项|次|期|场)")
_OTHER = re.compile(r"较|比|同比|相比|上年|去年|以来|以前|之前|截至|截止|预算|决算|《|〔|统计|年度报告|报告")
# the year dates something other than this sentence's work: the start of a period that runs on
# (“2023年以来/起/开始”), last year's carried-over cases (“2023年结转的2件申请已于2024年1月办结”)
_AFTER_YEAR = re.compile(r"(?:以来|起|开始|至今|以前|之前|底|末|结转|转结|遗留)")
# a plan of an earlier report, said to be carried out (“2023年计划开展的培训已于2024年完成”): a review
_PLAN_DONE = re.compile(r"已(?:经|于[^，。；]{0,12}?)?(?:全部|基本|如期|按期|逐项)?(?:完成|落实|实现|整改|办结|兑现)")
# how a year's work is narrated (“2023年，本局认真贯彻落实…，围绕…，不断加大…”): the body's own work
_NARRATION = re.compile(r"认真贯彻|贯彻落实|坚持|深入推进|持续|不断|扎实|全面|积极|紧扣|聚焦|围绕|按照|严格落实|着力|大力")
# a year's annual report named as done: “编制完成2024年度政府信息公开工作年度报告”, “按时发布2023年度报告”
_REPORT_NAME = re.compile(r"度?(?:政府信息公开|政务公开|信息公开)?(?:工作)?(?:年度)?报告")
_REPORT_DONE = re.compile(r"(?:编制|编写|撰写|形成|发布|公布|印发|报送|上报|完成)(?:完成|完毕|并发布|并公开)?(?:了)?(?:本单位|本机关|我局|我委|本局)?$")
_ARTEFACT = re.compile(r"〔(?:bookmark|image|footnote|comment)[^〕]*〕", re.I)
_PLAN_SUBHEADING = re.compile(r"[（(][一二三四五六七八九十][）)][^。]{0,14}?(措施|计划|打算|方向|下一步|下步|工作安排|工作思路)")


def year_mentions(doc: Document, sections: list[SectionInfo], skip: list[tuple[int, int]],
                  whole: Compact | None = None, boundaries: list[int] = ()) -> list[YearMention]:
    """``boundaries``: original offsets where a heading ends — a new sentence starts there even
    without punctuation (crawled pages run “五、存在的主要问题及改进情况2024年，……” together)."""
    out: list[YearMention] = []
    whole = whole or compact(doc.text)
    plan_heads = _plan_subheadings(whole, sections)
    for block in doc.blocks:
        if block.kind == "table":
            continue
        comp = whole.slice(*block.span)
        if "年" not in comp.text:
            continue
        for sm in _SENTENCE.finditer(comp.text):
            sentence = sm.group()
            clean = _ARTEFACT.sub(lambda a: " " * len(a.group()), sentence)
            for ym in _YEAR.finditer(sentence):
                start, end = comp.span(sm.start() + ym.start(), sm.start() + ym.end())
                if any(a <= start < b for a, b in skip):
                    continue
                head_from = max((whole_index(comp, b) - sm.start() for b in boundaries
                                 if comp.span(sm.start(), sm.start() + 1)[0] < b <= start), default=0)
                clause_head = re.split(r"[，,：:]", clean[max(0, head_from):ym.start()])[-1].strip()
                opening = bool(_OPENING.match(clause_head))
                section = section_at(sections, start)
                if _REPORT_NAME.match(clean, ym.end()) and _REPORT_DONE.search(clause_head) \
                        and not _PLAN.search(clean):
                    kind = "report"  # “编制完成2024年度政府信息公开工作年度报告”: a report said to be done
                elif _AFTER_YEAR.match(clean, ym.end()):
                    kind = "other"
                else:
                    # the sentence starts after a heading run into it (“…下一步工作打算2020年，…”
                    # must not read as a plan because of the heading's words)
                    kind = _kind(clean[max(0, head_from):].strip(), opening, bool(ym.group(2)),
                                 section == "五" and _in_plan(plan_heads, start))
                s_start, s_end = comp.span(sm.start() + max(0, head_from), sm.end())
                out.append(YearMention(year=int(ym.group(1)), text=doc.text[s_start:s_end].strip(),
                                       span=(start, end), block_id=block.id, section=section, kind=kind))
    return out


def whole_index(comp: Compact, offset: int) -> int:
    """Index in ``comp.text`` of the first character at or after an original offset."""
    from bisect import bisect_left

    return bisect_left(comp.pos, offset)


def _kind(sentence: str, opening: bool, is_niandu: bool, plan_context: bool) -> str:
    if not opening:
        return "other"
    if _PLAN.search(sentence):
        return "other" if _PLAN_DONE.search(sentence) else "plan"
    if _OTHER.search(sentence.split("，")[0]) or (is_niandu and _OTHER.search(sentence)):
        return "other"
    if plan_context and not _DONE.search(sentence):
        return "plan"
    if _DONE.search(sentence) or re.search(r"通过.{0,30}(方式|措施|途径)", sentence):
        return "done"
    return "narration" if _NARRATION.search(sentence) else "other"


def _plan_subheadings(whole: Compact, sections: list[SectionInfo]) -> list[tuple[int, bool]]:
    """(offset, is_plan) of each （一）/（二） sub-heading inside section 五."""
    out: list[tuple[int, bool]] = []
    for s in sections:
        if s.key != "五":
            continue
        comp = whole.slice(s.start, s.end)
        for m in re.finditer(r"[（(][一二三四五六七八九十][）)]", comp.text):
            head = comp.text[m.start():m.start() + 20]
            out.append((comp.span(m.start(), m.end())[0], bool(_PLAN_SUBHEADING.match(head))))
    return out


def _in_plan(heads: list[tuple[int, bool]], offset: int) -> bool:
    last = [is_plan for pos, is_plan in heads if pos <= offset]
    return bool(last and last[-1])
