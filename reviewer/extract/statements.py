"""Statements the prose makes that are not counts: “所有申请均已办结”, “占80%”, “办结率100%”.

Each is found in one sentence of a paragraph block (never in table text) and kept
with its place; the checks in ``reviewer/checks/prose.py`` decide whether the tables
or the prose's own counts bear them out.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from reviewer.document import Document
from reviewer.extract.facts import SectionInfo, Statement, section_at
from reviewer.extract.numerals import fold
from reviewer.findings import Location

_SENTENCE = re.compile(r"[^。！？；!?;\n]+")
# “所有申请均已办结”, “已全部按期办结”, “均已依法审结”: everything closed
_ALL = r"(?:所有|全部|均已|均|已全部|全部已|都已|一律)"
_ALL_DONE = re.compile(rf"{_ALL}(?:已)?(?:按时|按期|如期|及时|依法|在法定期限内|在规定时限内|于法定期限内)?"
                       r"(?P<verb>办结|办理完毕|答复完毕|处理完毕|审结|结案)")
# a subset is “all done” legitimately: last year's carried-over cases, the ones already answered
_SUBSET = ("结转", "上年", "去年", "上一年", "逾期", "此前", "之前", "已答复", "已办理", "已受理的", "答复的", "办理的")
# “all done” about something other than disclosure applications: 建议提案, 信访, 热线 …
_OTHER_WORK = ("建议", "提案", "信访", "热线", "留言", "诉求", "来信", "咨询", "投诉", "12345", "督办", "批示")
_APPEAL_WORDS = ("复议", "诉讼")
_PERCENT = re.compile(r"(?<!\d)(?P<value>\d+(?:\.\d+)?)\s*[%％]")  # (?<!\d): no retry inside a digit run (quadratic)
# a share of a count just stated: “予以公开8件，占80%”, “占比40%”, “占全部申请的40%”
_SHARE = re.compile(r"[，,、（(]?\s*(?:占|约占)(?:比|比例为|比为)?(?:[^，。；%％\d]{0,12}?的?)?(?:比例)?(?:为|达)?\s*$")
# “办结率100%”: closed against received (timeliness, satisfaction … rates cannot be computed)
_RATE = re.compile(r"(?<![按及准])(?:申请)?(?:办结率|结案率)(?:为|达到|达)?\s*$")
_RATE_DENY = ("按时", "按期", "及时", "满意", "准时", "在法定期限")


def extract_statements(doc: Document, sections: Sequence[SectionInfo],
                       exclude: Sequence[tuple[int, int]] = ()) -> list[Statement]:
    out: list[Statement] = []
    for block, start, sentence in _sentences(doc, exclude):
        section = section_at(sections, start)
        for m in _ALL_DONE.finditer(sentence):
            clause = _clause_before(sentence, m.start())
            if any(w in clause for w in _SUBSET) or any(w in clause for w in _OTHER_WORK):
                continue
            appeal = m.group("verb") in ("审结", "结案") or any(w in clause for w in _APPEAL_WORDS)
            if not appeal and "申请" not in clause:
                continue  # the subject must be disclosure applications
            kind = "all_closed_appeals" if appeal else "all_done"
            out.append(_statement(doc, block, start, sentence, m.span(), kind, None, section))
        for m in _PERCENT.finditer(sentence):
            head = sentence[:m.start()]
            value = float(m.group("value"))
            if _RATE.search(head) and not any(w in head[-12:] for w in _RATE_DENY):
                out.append(_statement(doc, block, start, sentence, (head.rfind("率") - 3 if "率" in head else m.start(),
                                                                     m.end()), "rate", value, section))
            elif _SHARE.search(head):
                out.append(_statement(doc, block, start, sentence, m.span(), "percent", value, section))
    return out


def _clause_before(sentence: str, end: int) -> str:
    """The clause that ends in the “all done” phrase and the one before it (its subject may sit there:
    “本年度共收到申请12件，所有申请均已办结”)."""
    cuts = [i for i, ch in enumerate(sentence[:end]) if ch in "，,："]
    return sentence[cuts[-2] + 1 if len(cuts) >= 2 else 0:end]


def _sentences(doc: Document, exclude: Sequence[tuple[int, int]]) -> Iterable[tuple[str, int, str]]:
    """(block id, offset of the sentence in Document.text, the sentence with digits folded)."""
    for block in doc.blocks:
        if block.kind == "table":
            continue
        text = fold(block.text)
        for m in _SENTENCE.finditer(text):
            start = block.span[0] + m.start()
            if not any(a <= start < b for a, b in exclude):  # a crawled page runs tables into its one line
                yield block.id, start, m.group()


def _statement(doc: Document, block_id: str, start: int, sentence: str, span: tuple[int, int], kind: str,
               value: float | None, section: str | None) -> Statement:
    a, b = start + max(span[0], 0), start + span[1]
    location = Location(section=section, block_id=block_id, span=(a, b), text=doc.text[a:b])
    return Statement(kind=kind, value=value, sentence=doc.text[start:start + len(sentence)].strip(),
                     location=location)
