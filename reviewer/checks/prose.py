"""The draft's prose: every non-table stretch of Document.text, with its section.

Text checks (doubled words, list ordinals, required statements) must never read a
table: a flattened or crawled table puts labels such as “（一）予以公开” or
“行政事业性收费” into the text. Table blocks are skipped, and so are the spans of
the logical tables extraction found (crawled pages glue tables into a paragraph).
The text is read as written, without whitespace folding (fast): a word split by a hard
line wrap is not joined, which can only make a text check miss, never fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from reviewer.checks.registry import Context
from reviewer.findings import Location


@dataclass
class Segment:
    block_id: str
    start: int  # offset in Document.text
    text: str  # the original text of [start, start + len(text))
    section: str | None  # 一 … 六, None before the first section heading


def _cut(start: int, end: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, pos = [], start
    for a, b in holes:
        if b <= pos or a >= end:
            continue
        if a > pos:
            pieces.append((pos, a))
        pos = max(pos, b)
    if pos < end:
        pieces.append((pos, end))
    return pieces


def prose_segments(ctx: Context) -> list[Segment]:
    """Non-table text in document order, split at table spans and section starts (computed once per review)."""
    if "prose" in ctx.extra:
        return ctx.extra["prose"]
    holes = sorted(t.span for t in ctx.facts.tables.values() if t.found and t.span)
    starts = sorted({s.start for s in ctx.facts.sections})
    text = ctx.doc.text
    out = []
    for block in ctx.doc.blocks:
        if block.kind == "table":
            continue
        for a, b in _cut(block.span[0], block.span[1], holes):
            cuts = [a] + [s for s in starts if a < s < b] + [b]
            for x, y in zip(cuts, cuts[1:]):
                if text[x:y].strip():
                    out.append(Segment(block.id, x, text[x:y], ctx.facts.section_at(x)))
    ctx.extra["prose"] = out
    return out


def section_text(ctx: Context, key: str) -> tuple[str, list[Segment]]:
    """The prose of one section after its heading (joined), and its segments."""
    sec = next((s for s in ctx.facts.sections if s.key == key), None)
    if sec is None:
        return "", []
    body_from = sec.start + len(sec.heading)
    segs = []
    for seg in prose_segments(ctx):
        if seg.section != key or seg.start + len(seg.text) <= body_from:
            continue
        if seg.start < body_from:
            cut = body_from - seg.start
            seg = Segment(seg.block_id, body_from, seg.text[cut:], key)
        segs.append(seg)
    return "".join(s.text for s in segs), segs


def span_location(ctx: Context, block_id: str | None, span: tuple[int, int], section: str | None = None) -> Location:
    return Location(section=section if section is not None else ctx.facts.section_at(span[0]),
                    block_id=block_id, span=span, text=ctx.doc.text[span[0]:span[1]])
