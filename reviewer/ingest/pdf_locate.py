"""Pin findings on the PDF page: Location.page and Location.bbox from the draft's geometry.

A table location gets its cell's box; a sentence gets the box of its characters on the
page where it starts (a sentence running onto the next page is pinned where it begins).
"""

from __future__ import annotations

from reviewer.document import Block, Document
from reviewer.findings import Finding, Location


def pin_findings(findings: list[Finding], doc: Document) -> None:
    for f in findings:
        for loc in f.locations:
            pin(loc, doc)


def _block(doc: Document, loc: Location) -> Block | None:
    if loc.block_id:
        try:
            return doc.block(loc.block_id)
        except KeyError:
            pass
    if loc.span:
        return next((b for b in doc.blocks if b.span[0] <= loc.span[0] < b.span[1]), None)
    return None


def span_box(doc: Document, span: tuple[int, int]) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page, union box) of the characters of ``span`` on the page where the span starts."""
    boxes = doc._char_boxes
    if not boxes:
        return None
    found = [b for b in boxes[span[0]:span[1]] if b is not None]
    if not found:
        return None
    page = found[0][0]
    same = [b for b in found if b[0] == page]
    return page, (min(b[1] for b in same), min(b[2] for b in same), max(b[3] for b in same), max(b[4] for b in same))


def pin(loc: Location, doc: Document) -> None:
    if loc.page is not None:
        return
    block = _block(doc, loc)
    if block is None:
        return
    if block.kind == "table" and block.table is not None and loc.span:
        for cell in block.table.cells():
            if cell.span and not cell.is_copy and cell.span[0] <= loc.span[0] < max(cell.span[1], cell.span[0] + 1):
                loc.page, loc.bbox = cell.page, cell.bbox
                return
    if loc.span:
        pinned = span_box(doc, loc.span)
        if pinned:
            loc.page, loc.bbox = pinned
            return
    loc.page, loc.bbox = block.page, block.bbox
