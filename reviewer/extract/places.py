"""Where a finding's location is, named as a person finds it on paper: “第2页 · 表三 · 一、本年新收 · 自然人”,
“第一部分第3段”. Internal block ids and character offsets stay in the JSON; this is what a reader uses
in the terminal text, Word comments, the XLSX summary and the web page."""

from __future__ import annotations

import bisect
import re

from reviewer.document import Document
from reviewer.findings import Finding, Location

_NUMERALS = "一二三四五六七八九十"
_ROW_TAIL = re.compile(r"(政府信息公开申请数量|（区分处理的，只计这一情形，不计其他情形）)$")


def short_row(label: str) -> str:
    """A table-三 row label as people say it: “一、本年新收”, “（二）部分公开”."""
    return _ROW_TAIL.sub("", label.strip()).strip() or label


def name_places(findings: list[Finding], doc: Document, sections) -> None:
    """Fill ``Location.place`` of every location (in place)."""
    paragraphs = [b for b in doc.blocks if b.kind == "paragraph"]
    starts = [b.span[0] for b in paragraphs]
    by_id = {b.id: b for b in doc.blocks}
    for f in findings:
        for loc in f.locations:
            if loc.place is None:
                loc.place = _place(loc, doc, sections, paragraphs, starts, by_id) or None


def _place(loc: Location, doc: Document, sections, paragraphs, starts, by_id) -> str:
    parts = []
    block = by_id.get(loc.block_id) if loc.block_id else None
    page = loc.page or (block.page if block is not None else None)
    if page:
        parts.append(f"第{page}页")
    if loc.table:
        digits = re.sub(r"\D", "", loc.table)
        parts.append(f"表{_NUMERALS[int(digits) - 1]}" if digits and 0 < int(digits) <= 10 else loc.table)
        if loc.label:
            row, _, col = loc.label.partition(" / ")
            parts += [short_row(row)] + ([col.strip()] if col.strip() else [])
        return " · ".join(parts)
    if loc.span is None:
        return " · ".join(parts)
    pos = loc.span[0]
    section = next((s for s in reversed(sections) if s.start <= pos < s.end), None)
    i = bisect.bisect_right(starts, pos) - 1
    if section is not None and i >= 0 and paragraphs[i].span[0] >= section.start:
        n = i + 1 - bisect.bisect_right(starts, section.start)  # paragraphs after the heading, up to this one
        name = f"第{section.key}部分第{n}段" if n else f"第{section.key}部分标题"
        if n == 0 and section.start <= pos < section.start + len(section.heading) + 2:
            name = f"第{section.key}部分标题"
        parts.append(name)
    elif section is not None:
        parts.append(f"第{section.key}部分标题" if pos < section.start + len(section.heading) + 2 else f"第{section.key}部分")
    elif block is not None and block.kind == "heading" or i <= 0:
        parts.append("标题")
    else:
        parts.append(f"标题后第{i}段")
    return " · ".join(parts)
