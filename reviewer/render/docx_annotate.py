"""`.docx` in, `.docx` out: every finding as a Word comment on its exact text.

Runs are split at the finding's boundaries (the copies keep the run's
properties, so formatting is unchanged) and the comment range covers exactly
the number in the cell or the sentence in the prose. python-docx ≥ 1.2 writes
the comments part; we only decide which runs a comment covers.
"""

from __future__ import annotations

import copy
import io

from docx.oxml.ns import qn
from docx.text.run import Run

from reviewer.document import Document
from reviewer.findings import Review
from reviewer.render.anchors import (AUTHOR, INITIALS, Anchor, Segment, anchors, cards, finding_comment_text,
                                     unit_text, units_of)
from reviewer.render.docx_map import DocxTable, TextUnit, map_blocks

_R, _RPR, _T, _P, _PPR = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:p"), qn("w:pPr")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def annotate_docx(original: bytes, doc: Document, review: Review) -> bytes:
    import docx

    wd = docx.Document(io.BytesIO(original))
    add_comments(wd, doc, review)
    out = io.BytesIO()
    wd.save(out)
    return out.getvalue()


def add_comments(wd, doc: Document, review: Review) -> int:
    """Adds one comment per finding, on its principal location (the first that can be placed
    exactly; the comment names the others); returns how many findings could not be placed."""
    body = wd.element.body
    folded = {card.index: card.derived for card in cards(review.findings)}  # derived ones fold into their root
    by_finding: dict[int, list[Anchor]] = {}
    for a in anchors(doc, review):
        if a.finding_index in folded:
            by_finding.setdefault(a.finding_index, []).append(a)
    unplaced: list[Anchor] = []
    for group in by_finding.values():
        for a in group:
            # re-map before every comment: splitting runs replaces the nodes earlier maps point at
            runs = _runs_for(doc, map_blocks(doc, body), a.segments)
            if runs is not None:
                wd.add_comment([Run(runs[0], None), Run(runs[1], None)],
                               text=finding_comment_text(a.finding, a.location_index, folded[a.finding_index]),
                               author=AUTHOR,
                               initials=INITIALS)
                break
        else:
            unplaced.append(group[0])
    if unplaced:
        _comment_unplaced(wd, doc, unplaced, folded)
    return len(unplaced)


def _comment_unplaced(wd, doc: Document, unplaced: list[Anchor], folded: dict) -> None:
    """Findings whose place is not in the .docx still must reach the author: on the first line."""
    mapping = map_blocks(doc, wd.element.body)
    first = next((b for b in doc.blocks if b.id in mapping and isinstance(mapping[b.id], TextUnit)), None)
    if first is None:
        return
    for a in unplaced:
        runs = _runs_for(doc, map_blocks(doc, wd.element.body),
                         [Segment(_first_unit(doc, first.id), 0, len(first.text), whole=True)])
        if runs is None:
            return
        text = "（未能在原文中精确定位）" + finding_comment_text(a.finding, a.location_index, folded[a.finding_index])
        wd.add_comment([Run(runs[0], None), Run(runs[1], None)], text=text, author=AUTHOR, initials=INITIALS)


def _first_unit(doc: Document, block_id: str):
    return next(u for u in units_of(doc) if u.block.id == block_id)


def _runs_for(doc: Document, mapping, segments: list[Segment]):
    """(first w:r, last w:r) covering the segments, after splitting runs at the ends."""
    picked: list[tuple[TextUnit, int, int]] = []
    for seg in segments:
        tu = _text_unit(mapping, seg)
        if tu is None:
            continue
        start, end = _range_in(doc, seg, tu)
        picked.append((tu, start, end))
    if not picked:
        return None
    tu0, s0, e0 = picked[0]
    tu1, s1, e1 = picked[-1]
    first_chars = [c for c in tu0.chars[s0:e0] if c[1] is not None]
    last_chars = [c for c in tu1.chars[s1:e1] if c[1] is not None]
    if not first_chars or not last_chars:
        if len(picked) == 1 and not tu0.text:  # an empty cell: anchor on an empty run in it
            r = _empty_run(tu0.container)
            return (r, r)
        return None
    a_node, a_off = first_chars[0][1], first_chars[0][2]
    b_node, b_off = last_chars[-1][1], last_chars[-1][2]
    if a_node.getparent() is None or a_node.getparent().tag != _R or b_node.getparent().tag != _R:
        return None  # text outside an ordinary run: leave it alone
    first_run, moved = _split_before(a_node, a_off)
    if b_node is a_node and moved is not None:
        b_node, b_off = moved, b_off - a_off
    last_run = _split_after(b_node, b_off)
    return first_run, last_run


def _text_unit(mapping, seg: Segment) -> TextUnit | None:
    item = mapping.get(seg.unit.block.id)
    if item is None:
        return None
    if seg.unit.cell is None:
        return item if isinstance(item, TextUnit) else None
    if not isinstance(item, DocxTable):
        return None
    r, c = seg.unit.cell.row, seg.unit.cell.col
    if r >= len(item.grid) or c >= len(item.grid[r]):
        return None
    return item.grid[r][c][0]


def _range_in(doc: Document, seg: Segment, tu: TextUnit) -> tuple[int, int]:
    if seg.whole:
        return 0, len(tu.text)
    expected = unit_text(doc, seg.unit)
    if expected == tu.text:
        return seg.start, seg.end
    # the unit's text was normalised differently: find the quoted piece if it is unambiguous
    piece = expected[seg.start:seg.end]
    if piece and tu.text.count(piece) == 1:
        i = tu.text.index(piece)
        return i, i + len(piece)
    return 0, len(tu.text)


def _content(run) -> list:
    return [ch for ch in run if ch.tag != _RPR]


def _new_run_like(run):
    """An empty run with the same properties (and attributes) as ``run``."""
    new = copy.deepcopy(run)
    for ch in list(new):
        if ch.tag != _RPR:
            new.remove(ch)
    return new


def _split_text(t, i: int):
    """Split a w:t at offset i; returns the new w:t holding text[i:] (placed right after)."""
    text = t.text or ""
    t2 = copy.deepcopy(t)
    t.text, t2.text = text[:i], text[i:]
    for node in (t, t2):
        node.set(_XML_SPACE, "preserve")
    t.addnext(t2)
    return t2


def _split_before(node, off: int):
    """Make the char at (node, off) the first of its run. Returns (run, new node if node was split)."""
    moved = None
    if node.tag == _T and off > 0:
        node = moved = _split_text(node, off)
    run = node.getparent()
    content = _content(run)
    if content and content[0] is node:
        return run, moved
    new = _new_run_like(run)
    for ch in content[content.index(node):]:
        new.append(ch)  # moves the element
    run.addnext(new)
    return new, moved


def _split_after(node, off: int):
    """Make the char at (node, off) the last of its run. Returns the run."""
    if node.tag == _T and off < len(node.text or "") - 1:
        _split_text(node, off + 1)
    run = node.getparent()
    content = _content(run)
    rest = content[content.index(node) + 1:]
    if not rest:
        return run
    new = _new_run_like(run)
    for ch in rest:
        new.append(ch)
    run.addnext(new)
    return run


def _empty_run(tc):
    from docx.oxml import OxmlElement

    p = tc.find(_P)
    if p is None:
        p = OxmlElement("w:p")
        tc.append(p)
    r = OxmlElement("w:r")
    p.append(r)
    return r
