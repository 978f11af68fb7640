"""Where the six standard sections are, as written (numbering, order, duplicates).

Headings are found anywhere in the text, not only at line starts: crawled pages
run the whole body into one line. A heading is a numeral, a 、 and a section
title. The title is recognised by meaning, not by one wording: it is a short run
of words ending in a heading word (情况, 措施, 打算, 事项 …) whose key words say
which section it is (复议/诉讼 → 四; 问题 → 五 …; see ``SectionSpec.keywords``),
so “因政府信息公开工作被申请行政复议、提起行政诉讼情况” and typos such as
“行政法复议” are section 四. Table labels (“三、本年度办理结果”, “四、结转下年度继续
办理”, “一、本年新收政府信息公开申请数量”) end in no heading word and name no
section's key words, so they are never headings. Finding the problems with
headings is the structure checks' job; this only reports what is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewer.document import Document
from reviewer.extract.facts import SectionInfo
from reviewer.extract.textnorm import Compact, compact, label_key
from reviewer.formats.model import ReportFormat

# “一、总体情况”, “第一部分 总体情况”, “1、总体情况”: the numeral as written, then the title
_NUMERAL = r"(?:第([一二三四五六七八九十]{1,2})部分[、.：:]?|([一二三四五六七八九十]{1,2})[、.]|([1-9])[、.](?!\d))"
_ARABIC = dict(zip("123456789", "一二三四五六七八九"))
# Shanghai-style reports put 问题/改进 under sub-headings without a section heading
_PROBLEMS_SUBHEADING = re.compile(r"[（(]一[）)](?:存在的)?主要问题")


# a title is made of words and the marks inside titles; it ends at a heading word
# (“一、2023年度政府信息公开工作总体情况”: a title may open with the report year)
_TITLE_RUN = re.compile(r"(?:\d{4}年度?)?[\u4e00-\u9fff、“”]{2,40}")
_END_WORDS = re.compile(r"情况|措施|打算|事项|计划|方向|概述|概况|问题|不足|差距|思路|举措|对策|安排|建议")
_JOINER = "及和与、并暨以"  # “问题及改进情况”: the title goes on past 问题
_NEXT_ITEM = re.compile(r"、(?=[一二三四五六七八九十]{1,2}、)")  # “…情况、六、其他…”: a list goes on
_SUFFIX = re.compile(r"概述|统计表|统计|汇总表|一览表|表")
_TITLE_END = re.compile(f"(?:{_END_WORDS.pattern})(?:{_SUFFIX.pattern})?$")


@dataclass
class HeadingHit:
    key: str
    number: str | None
    start: int  # original offsets
    end: int
    exact: bool
    heading: str
    numeral: str = "chinese"  # chinese (一、) | part (第一部分) | arabic (1、) | none


def classify_title(fmt: ReportFormat, title: str) -> str | None:
    """The section a heading's title means, by its key words; None when unclear or when it
    does not end as a heading does (“…申请数量” is a table row, not a section)."""
    if not _TITLE_END.search(title):
        return None
    found = [spec.key for spec in fmt.sections if spec.keywords
             and all(any(w in title for w in group) for group in spec.keywords)
             and not any(w in title for w in spec.excludes)]
    return found[0] if len(found) == 1 else None


def _title_at(text: str, pos: int) -> str | None:
    """The heading title starting at ``pos`` of compact text: up to the first heading word
    that the title does not go on from (“问题及改进情况” ends at 情况, not at 问题)."""
    run = _TITLE_RUN.match(text, pos)
    if not run:
        return None
    body = _NEXT_ITEM.split(run.group(), 1)[0]  # “…情况、六、其他…”: the next numbered item
    for m in _END_WORDS.finditer(body):
        end = m.end()
        if end < len(body) and body[end] in _JOINER:
            continue
        suffix = _SUFFIX.match(body, end)
        return body[:suffix.end() if suffix else end]
    return None


def find_heading_hits(doc: Document, fmt: ReportFormat, comp: Compact | None = None,
                      unrecognised: list[HeadingHit] | None = None) -> list[HeadingHit]:
    """Section headings in reading order. ``unrecognised`` collects numbered headings whose
    title names no one section (“五、工作展望”): the section may be there under that title."""
    comp = comp or compact(doc.text)
    hits: list[HeadingHit] = []
    seen: set[int] = set()
    for m in re.finditer(_NUMERAL, comp.text):
        title = _title_at(comp.text, m.end())
        if title is None:
            continue
        key = classify_title(fmt, title)
        if key is None:
            if unrecognised is not None and m.group(2):
                start, end = comp.span(m.start(), m.end() + len(title))
                unrecognised.append(HeadingHit("", _number(m), start, end, False, doc.text[start:end]))
            continue
        start, end = comp.span(m.start(), m.end() + len(title))
        exact = title == label_key(fmt.section(key).title)
        hits.append(HeadingHit(key, _number(m), start, end, exact, doc.text[start:end], _numeral_kind(m)))
        seen.add(start)
    for spec in fmt.sections:
        titles = [(label_key(spec.title), True)] + [(label_key(a), False) for a in spec.aliases]
        titles.sort(key=lambda t: len(t[0]), reverse=True)
        alt = "|".join(re.escape(t) for t, _ in titles)
        for m in re.finditer(_NUMERAL + f"({alt})", comp.text):
            start, end = comp.span(m.start(), m.end())
            if start in seen:
                continue
            title = m.group(4)
            hits.append(HeadingHit(spec.key, _number(m), start, end, title == label_key(spec.title),
                                   doc.text[start:end], _numeral_kind(m)))
    hits += _unnumbered_headings(doc, fmt, {(h.key, h.start) for h in hits})
    if not any(h.key == "五" for h in hits):
        m = _PROBLEMS_SUBHEADING.search(comp.text)
        if m:
            start, end = comp.span(m.start(), m.end())
            hits.append(HeadingHit("五", None, start, end, False, doc.text[start:end], "none"))
    hits.sort(key=lambda h: h.start)
    return _without_enumerations(doc, hits)


_LIST_GAP = re.compile(r"\s*[；;，,、]\s*")


def _without_enumerations(doc: Document, hits: list[HeadingHit]) -> list[HeadingHit]:
    """Titles listed in a sentence (“本报告分为：一、总体情况；二、主动公开政府信息情况；…”) are
    not headings: consecutive hits in one block separated by list punctuation only."""
    listed: set[int] = set()
    for i, (a, b) in enumerate(zip(hits, hits[1:])):
        if _LIST_GAP.fullmatch(doc.text[a.end:b.start]) and _block_at(doc, a.start) == _block_at(doc, b.start):
            listed.update((i, i + 1))
    return [h for i, h in enumerate(hits) if i not in listed]


def _unnumbered_headings(doc: Document, fmt: ReportFormat, seen: set) -> list[HeadingHit]:
    """A line that is exactly a section title is its heading even without a numeral: Word's
    automatic list numbering (“一、” drawn by w:numPr) is not part of the paragraph's text.
    A line the draft itself marks as a top-level heading (Word outline level, ``#``) is also
    recognised by its key words, as numbered headings are; a plain paragraph is not — a
    sub-heading such as “主动公开情况” inside 一 must not become section 二."""
    titles = {}
    for spec in fmt.sections:
        for t in (spec.title, *spec.aliases):
            titles[label_key(t)] = (spec.key, t == spec.title)
    levels = [b.level for b in doc.blocks if b.kind == "heading" and b.level is not None]
    top = min(levels) if levels else None
    out = []
    for b in doc.blocks:
        if b.kind == "table" or len(b.text) > 40:
            continue
        key = label_key(b.text).rstrip("。：:")
        if key in titles and (titles[key][0], b.span[0]) not in seen:
            section, exact = titles[key]
            out.append(HeadingHit(section, None, b.span[0], b.span[1], exact, b.text, "none"))
        elif b.kind == "heading" and b.level == top and _TITLE_RUN.fullmatch(key):
            section = classify_title(fmt, key)
            if section is not None and (section, b.span[0]) not in seen:
                out.append(HeadingHit(section, None, b.span[0], b.span[1], False, b.text, "none"))
    return out


def _number(m: re.Match) -> str:
    return m.group(1) or m.group(2) or _ARABIC[m.group(3)]


def _numeral_kind(m: re.Match) -> str:
    return "part" if m.group(1) else "chinese" if m.group(2) else "arabic"


def _rank(h: HeadingHit) -> tuple:
    """Which of several headings of one section is its heading: the template wording, then
    the one numbered as the section (“三、依申请公开情况” over a “2.依申请公开情况” in 一)."""
    return (h.exact, h.number == h.key, h.numeral in ("chinese", "part"))


def primary_sections(doc: Document, hits: list[HeadingHit]) -> list[SectionInfo]:
    """One heading per section key: the first exact title, else the first variant."""
    chosen: dict[str, HeadingHit] = {}
    for h in hits:
        cur = chosen.get(h.key)
        if cur is None or _rank(h) > _rank(cur):
            chosen[h.key] = h
    ordered = sorted(chosen.values(), key=lambda h: h.start)
    out: list[SectionInfo] = []
    for i, h in enumerate(ordered):
        end = ordered[i + 1].start if i + 1 < len(ordered) else len(doc.text)
        out.append(SectionInfo(key=h.key, number=h.number, heading=h.heading.strip(),
                               block_id=_block_at(doc, h.start) or "", start=h.start, end=end, order=i,
                               exact=h.exact))
    return out


def _block_at(doc: Document, offset: int) -> str | None:
    for b in doc.blocks:
        if b.span[0] <= offset < b.span[1] or b.span[0] == offset:
            return b.id
    return None


def block_at(doc: Document, offset: int) -> str | None:
    return _block_at(doc, offset)
