"""Where each finding sits in the draft, in renderer-neutral terms.

A renderer never re-parses the draft: it needs, per finding location, the
"units" of text it covers — a paragraph/heading block or one table cell — and
the character range inside each unit. ``Location.span`` indexes
``Document.text``; every unit knows its own span there, so the range inside a
unit is plain subtraction. A location that crosses units (a passage running
over two paragraphs) yields one segment per unit; one without a span anchors
on its whole block, and one without any position on the document's first unit.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from reviewer.document import Block, Cell, Document
from reviewer.findings import Finding, Location, Review

AUTHOR = "审核助手"
INITIALS = "审核"
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_ZH = {
    "period": "年度与期限",
    "arithmetic": "表格勾稽",
    "crossref": "正文与表格",
    "structure": "结构",
    "format": "格式",
    "narrative": "叙述",
    "continuity": "跨年度衔接",
    "duplicate": "重复雷同",
}


@dataclass(frozen=True)
class Unit:
    """A paragraph/heading block, or one (origin) cell of a table block."""

    index: int
    block: Block
    cell: Cell | None
    span: tuple[int, int]


@dataclass
class Segment:
    unit: Unit
    start: int  # relative to the unit's text
    end: int
    whole: bool  # the location gave no range inside this unit


@dataclass
class Anchor:
    finding: Finding
    finding_index: int
    location_index: int
    location: Location
    segments: list[Segment] = field(default_factory=list)


def units_of(doc: Document) -> list[Unit]:
    out: list[Unit] = []
    for block in doc.blocks:
        if block.kind == "table" and block.table is not None:
            for cell in block.table.cells():
                if cell.merged_from is None and cell.span is not None:
                    out.append(Unit(len(out), block, cell, tuple(cell.span)))
        else:
            out.append(Unit(len(out), block, None, tuple(block.span)))
    return out


def unit_text(doc: Document, unit: Unit) -> str:
    return doc.text[unit.span[0]:unit.span[1]]


class Locator:
    """Maps finding locations to segments over a Document's units."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.units = units_of(doc)
        self._starts = [u.span[0] for u in self.units]
        self._by_block: dict[str, list[Unit]] = {}
        for u in self.units:
            self._by_block.setdefault(u.block.id, []).append(u)

    def segments(self, loc: Location) -> list[Segment]:
        if not self.units:
            return []
        if loc.span is not None:
            segs = self._span_segments(*loc.span, loc.block_id)
            if segs:
                return segs
        if loc.block_id and loc.block_id in self._by_block:
            units = self._by_block[loc.block_id]
            if loc.table and len(units) > 1 and loc.text is not None:
                # a table location without a span: the cell whose text matches, if unique
                hits = [u for u in units if u.cell is not None and u.cell.text == loc.text]
                if len(hits) == 1:
                    units = hits
            return [self._whole(u) for u in units]
        return [self._whole(self.units[0])]

    def _whole(self, u: Unit) -> Segment:
        return Segment(u, 0, u.span[1] - u.span[0], whole=True)

    def _span_segments(self, s: int, e: int, block_id: str | None) -> list[Segment]:
        if e < s:
            s, e = e, s
        if s == e:  # a point (an empty cell, an insertion point): the unit holding it
            u = self._unit_at(s, block_id)
            return [self._whole(u)] if u else []
        i = max(bisect.bisect_right(self._starts, s) - 1, 0)
        out: list[Segment] = []
        while i < len(self.units) and self.units[i].span[0] < e:
            u = self.units[i]
            us, ue = u.span
            lo, hi = max(s, us), min(e, ue)
            if lo < hi:
                out.append(Segment(u, lo - us, hi - us, whole=False))
            i += 1
        if not out:  # the range falls in a gap between units (separators): nearest unit
            u = self._unit_at(s, block_id)
            return [self._whole(u)] if u else []
        return out

    def _unit_at(self, pos: int, block_id: str | None) -> Unit | None:
        cands = self._by_block.get(block_id or "", self.units)
        for u in cands:
            if u.span[0] <= pos <= u.span[1]:
                return u
        i = max(bisect.bisect_right(self._starts, pos) - 1, 0)
        return self.units[i] if self.units else None


def anchors(doc: Document, review: Review) -> list[Anchor]:
    """Every (finding, location) with its segments; findings without locations get one anchor."""
    loc = Locator(doc)
    out: list[Anchor] = []
    for fi, f in enumerate(review.findings):
        locs = f.locations or [Location()]
        for li, location in enumerate(locs):
            out.append(Anchor(f, fi, li, location, loc.segments(location)))
    return out


@dataclass
class Card:
    """What a person reads as one item: a finding and the findings derived from it (folded under it)."""

    finding: Finding
    index: int  # in review.findings
    derived: list[Finding]


def cards(findings: list[Finding]) -> list[Card]:
    """One card per root cause: findings ``derived_from`` another in the list are folded under it."""
    ids = {f.id for f in findings}
    out: list[Card] = []
    by_id: dict[str | None, Card] = {}
    for i, f in enumerate(findings):
        if f.derived_from and f.derived_from in ids:
            continue
        card = Card(f, i, [])
        out.append(card)
        by_id[f.id] = card
    for f in findings:
        if f.derived_from and f.derived_from in by_id:
            by_id[f.derived_from].derived.append(f)
    return out


def card_counts(findings: list[Finding]) -> tuple[dict[str, int], int]:
    """Counts as a person reads them, one per card, and how many failed relations are folded under a root."""
    shown = cards(findings)
    counts = {k: sum(1 for card in shown if card.finding.severity == k) for k in ("error", "warning", "info")}
    return counts, sum(len(card.derived) for card in shown)


def place_name(loc: Location, width: int = 24) -> str:
    """A location as a reader finds it on paper (“表三 · 一、本年新收 · 自然人”, “第一部分第3段 “…”” ), or
    the quoted words; '' when it has neither."""
    if loc.table and loc.label:
        return loc.place or f"表格“{loc.label}”"
    if loc.text:
        flat = " ".join(loc.text.split())  # a title or quote may span lines
        quote = f"“{flat if len(flat) <= width else flat[:width] + '…'}”"
        return f"{loc.place} {quote}" if loc.place else quote
    return loc.place or ""


def grouped_places(locations: list[Location]) -> list[str]:
    """Places on paper, each once, with the words quoted there: “第一部分第2段 “1248”“24””."""
    groups: dict[str, list[str]] = {}
    for loc in locations:
        if loc.table and loc.label:
            groups.setdefault(place_name(loc), [])
            continue
        quote = place_name(loc.model_copy(update={"place": None}))
        groups.setdefault(loc.place or "", []).append(quote)
    out = []
    for place, quotes in groups.items():
        shown = "".join(dict.fromkeys(q for q in quotes if q))
        out.append(f"{place} {shown}".strip() if place else shown)
    return [x for x in out if x]


def other_places(f: Finding, principal: int) -> list[str]:
    """Names of the finding's locations other than ``principal``, each once, in order."""
    names = [place_name(loc) for i, loc in enumerate(f.locations) if i != principal]
    skip = place_name(f.locations[principal]) if f.locations else ""
    return [n for n in dict.fromkeys(names) if n and n != skip]


def finding_comment_text(f: Finding, principal: int = 0, derived: list[Finding] | None = None) -> str:
    """One comment for the whole finding, on its principal location; the text names the others and the
    failed relations it explains (folded under it)."""
    parts = [f"【{SEVERITY_ZH.get(f.severity, f.severity)}】" + f.message]
    if f.locations and f.locations[principal].place:
        parts.append(f"位置：{f.locations[principal].place}")
    if f.expected is not None and f.actual is not None:
        parts.append(f"应为：{f.expected}；实为：{f.actual}")
    others = other_places(f, principal)
    if others:
        shown = others[:8]
        more = f"等{len(others)}处" if len(others) > len(shown) else ""
        parts.append("其他位置：" + "；".join(shown) + more)
    if f.suggestion:
        parts.append(f"建议：{f.suggestion}")
    if derived:
        parts.append(f"由此导致{len(derived)}条勾稽关系不成立：" + "；".join(d.message for d in derived))
    parts.append(f"规则：{f.rule_id}")
    return "\n".join(parts)


def comment_text(f: Finding, location_index: int = 0, n_locations: int = 1) -> str:
    """The comment a reviewer writes: what is wrong, then what to do (“建议：”)."""
    head = f"【{SEVERITY_ZH.get(f.severity, f.severity)}】"
    if n_locations > 1:
        head += f"（第{location_index + 1}处，共{n_locations}处）"
    parts = [head + f.message]
    if f.expected is not None and f.actual is not None:
        parts.append(f"应为：{f.expected}；实为：{f.actual}")
    if f.suggestion:
        parts.append(f"建议：{f.suggestion}")
    parts.append(f"规则：{f.rule_id}")
    return "\n".join(parts)
