"""Map a Document's blocks back onto the .docx body they were read from.

We recompute the mapping by walking the body in the ingester's order
(reviewer/ingest/docx.py: paragraphs split into lines at manual breaks, empty
lines skipped, content controls descended into, tables expanded over
gridSpan/vMerge) and *verify each block by its text*. That is less fragile than
trusting a stored element index: one w:p can yield several blocks, and a block
whose text no longer matches is simply left unmapped instead of annotating the
wrong place.

Every character of a mapped unit is tied to the XML node it came from (w:t with
an offset, w:tab, w:br, w:cr), which is what run splitting needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import nsmap, qn
from lxml import etree

from reviewer.document import Document

_NS = {"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# same text-bearing nodes as the ingester (mc:Fallback repeats mc:Choice)
_TEXT_NODES = etree.XPath(
    ".//w:t[not(ancestor::mc:Fallback)] | .//w:tab[not(ancestor::w:tabs)][not(ancestor::mc:Fallback)]"
    " | .//w:br[not(ancestor::mc:Fallback)] | .//w:cr[not(ancestor::mc:Fallback)]",
    namespaces=_NS,
)
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR = qn("w:t"), qn("w:tab"), qn("w:br")
_VAL = qn("w:val")
MAX_SPAN = 64

Char = tuple[str, object, int]  # (character, xml node, offset in node text)


@dataclass
class TextUnit:
    """Normalised text of a paragraph line or a table cell, with per-char origins."""

    chars: list[Char]
    container: object  # the w:p (line) or w:tc (cell) element
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = "".join(c[0] for c in self.chars)


@dataclass
class DocxTable:
    tbl: object
    grid: list[list[tuple[TextUnit | None, tuple[int, int] | None]]]  # (unit, merged_from)


def _raw_chars(p) -> list[Char]:
    out: list[Char] = []
    for node in _TEXT_NODES(p):
        if node.tag == _T:
            out.extend((ch, node, i) for i, ch in enumerate(node.text or ""))
        elif node.tag == _TAB:
            out.append((" ", node, 0))
        elif node.tag == _BR and node.get(qn("w:type")) == "page":
            continue
        else:
            out.append(("\n", node, 0))
    return out


def _lines(chars: list[Char]) -> list[list[Char]]:
    """Split at newlines and strip each line like ``str.strip`` does; drop empty lines."""
    lines: list[list[Char]] = [[]]
    for c in chars:
        if c[0] == "\n":
            lines.append([])
        else:
            lines[-1].append(c)
    out = []
    for line in lines:
        s, e = 0, len(line)
        while s < e and line[s][0].isspace():
            s += 1
        while e > s and line[e - 1][0].isspace():
            e -= 1
        if s < e:
            out.append(line[s:e])
    return out


def _cell_unit(tc) -> TextUnit:
    """Cell text as the ingester builds it: paragraph lines joined by newlines."""
    lines: list[list[Char]] = []
    for el in tc.iterchildren():
        if el.tag == _P:
            lines.extend(_lines(_raw_chars(el)))
        elif el.tag == _SDT:
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                for p in content.iterchildren(_P):
                    lines.extend(_lines(_raw_chars(p)))
        # nested tables are flattened by the ingester; findings inside them anchor on the cell
    chars: list[Char] = []
    for i, line in enumerate(lines):
        if i:
            chars.append(("\n", None, 0))
        chars.extend(line)
    return TextUnit(chars, tc)


def _int_attr(pr, tag: str, default: int) -> int:
    if pr is None:
        return default
    el = pr.find(qn(tag))
    val = el.get(_VAL) if el is not None else None
    return int(val) if val and val.isdigit() else default


def _row_cells(tr):
    for el in tr.iterchildren():
        if el.tag == _TC:
            yield el
        elif el.tag == _SDT:
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                yield from content.iterchildren(_TC)


def _table(tbl) -> DocxTable:
    grid: list[list[tuple[TextUnit | None, tuple[int, int] | None]]] = []
    for tr in tbl.iterchildren(_TR):
        r = len(grid)
        row: list[tuple[TextUnit | None, tuple[int, int] | None]] = []
        before = min(_int_attr(tr.find(qn("w:trPr")), "w:gridBefore", 0), MAX_SPAN)
        row.extend((None, None) for _ in range(before))
        for tc in _row_cells(tr):
            pr = tc.find(qn("w:tcPr"))
            span = max(1, min(_int_attr(pr, "w:gridSpan", 1), MAX_SPAN))
            vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
            c = len(row)
            origin = None
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and r:
                above = grid[r - 1]
                if c < len(above):
                    origin = above[c][1] or (r - 1, c)
            if origin is not None:
                row.extend((None, origin) for _ in range(span))
            else:
                row.append((_cell_unit(tc), None))
                row.extend((None, (r, c)) for _ in range(span - 1))
        grid.append(row)
    return DocxTable(tbl, grid)


def walk_body(body) -> list[TextUnit | DocxTable]:
    """Body items in document order: one TextUnit per non-empty paragraph line, one DocxTable per table."""
    out: list[TextUnit | DocxTable] = []
    for el in body.iterchildren():
        if el.tag == _P:
            out.extend(TextUnit(line, el) for line in _lines(_raw_chars(el)))
        elif el.tag == _TBL:
            out.append(_table(el))
        elif el.tag == _SDT:
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                out.extend(walk_body(content))
    return out


LOOKAHEAD = 50  # how far to search forward for a block's element before giving up on it


def map_blocks(doc: Document, body) -> dict[str, TextUnit | DocxTable]:
    """block id → its body item, for every block whose text matches (greedy, in order)."""
    items = walk_body(body)
    out: dict[str, TextUnit | DocxTable] = {}
    pos = 0
    for block in doc.blocks:
        for j in range(pos, min(pos + LOOKAHEAD, len(items))):
            item = items[j]
            if block.kind == "table":
                if isinstance(item, DocxTable) and _same_table(block, item):
                    out[block.id] = item
                    pos = j + 1
                    break
            elif isinstance(item, TextUnit) and item.text == block.text:
                out[block.id] = item
                pos = j + 1
                break
    return out


def _same_table(block, item: DocxTable) -> bool:
    rows = block.table.rows if block.table else []
    if len(rows) != len(item.grid):
        return False
    for drow, xrow in zip(rows, item.grid):
        for cell, (unit, _) in zip(drow, xrow):
            if cell.merged_from is None and unit is not None and unit.text != cell.text:
                return False
    return True
