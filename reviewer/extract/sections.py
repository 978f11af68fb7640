"""Where the six standard sections are, as written (numbering, order, duplicates).

Headings are found anywhere in the text, not only at line starts: crawled pages
run the whole body into one line. A heading is a Chinese numeral, a 、 and a
section title (the standard wording or a known variant). Finding the
problems with them is the structure checks' job; this only reports what is there.
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


@dataclass
class HeadingHit:
    key: str
    number: str | None
    start: int  # original offsets
    end: int
    exact: bool
    heading: str


def find_heading_hits(doc: Document, fmt: ReportFormat, comp: Compact | None = None) -> list[HeadingHit]:
    comp = comp or compact(doc.text)
    hits: list[HeadingHit] = []
    for spec in fmt.sections:
        titles = [(label_key(spec.title), True)] + [(label_key(a), False) for a in spec.aliases]
        titles.sort(key=lambda t: len(t[0]), reverse=True)
        alt = "|".join(re.escape(t) for t, _ in titles)
        for m in re.finditer(_NUMERAL + f"({alt})", comp.text):
            start, end = comp.span(m.start(), m.end())
            title = m.group(4)
            number = m.group(1) or m.group(2) or _ARABIC[m.group(3)]
            hits.append(HeadingHit(spec.key, number, start, end, title == label_key(spec.title),
                                   doc.text[start:end]))
    hits += _unnumbered_headings(doc, fmt, {(h.key, h.start) for h in hits})
    if not any(h.key == "五" for h in hits):
        m = _PROBLEMS_SUBHEADING.search(comp.text)
        if m:
            start, end = comp.span(m.start(), m.end())
            hits.append(HeadingHit("五", None, start, end, False, doc.text[start:end]))
    hits.sort(key=lambda h: h.start)
    return hits


def _unnumbered_headings(doc: Document, fmt: ReportFormat, seen: set) -> list[HeadingHit]:
    """A line that is exactly a section title is its heading even without a numeral: Word's
    automatic list numbering (“一、” drawn by w:numPr) is not part of the paragraph's text."""
    titles = {}
    for spec in fmt.sections:
        for t in (spec.title, *spec.aliases):
            titles[label_key(t)] = (spec.key, t == spec.title)
    out = []
    for b in doc.blocks:
        if b.kind == "table" or len(b.text) > 40:
            continue
        key = label_key(b.text).rstrip("。：:")
        if key in titles and (titles[key][0], b.span[0]) not in seen:
            section, exact = titles[key]
            out.append(HeadingHit(section, None, b.span[0], b.span[1], exact, b.text))
    return out


def primary_sections(doc: Document, hits: list[HeadingHit]) -> list[SectionInfo]:
    """One heading per section key: the first exact title, else the first variant."""
    chosen: dict[str, HeadingHit] = {}
    for h in hits:
        cur = chosen.get(h.key)
        if cur is None or (h.exact and not cur.exact):
            chosen[h.key] = h
    ordered = sorted(chosen.values(), key=lambda h: h.start)
    out: list[SectionInfo] = []
    for i, h in enumerate(ordered):
        end = ordered[i + 1].start if i + 1 < len(ordered) else len(doc.text)
        out.append(SectionInfo(key=h.key, number=h.number, heading=h.heading.strip(),
                               block_id=_block_at(doc, h.start) or "", start=h.start, end=end, order=i))
    return out


def _block_at(doc: Document, offset: int) -> str | None:
    for b in doc.blocks:
        if b.span[0] <= offset < b.span[1] or b.span[0] == offset:
            return b.id
    return None


def block_at(doc: Document, offset: int) -> str | None:
    return _block_at(doc, offset)
