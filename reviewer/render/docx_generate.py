"""A .docx of a draft that did not come as one (txt/html/md), with the same comments.

Headings, paragraphs and real tables (merged cells merged again) are written
from the Document's blocks; then the comments are added by the same code that
annotates an original .docx, so both paths anchor identically.
"""

from __future__ import annotations

import io

from reviewer.document import Block, Document
from reviewer.findings import Review
from reviewer.render.docx_annotate import add_comments

FONT = "宋体"


def generate_docx(doc: Document, review: Review) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    wd = docx.Document()
    normal = wd.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for block in doc.blocks:
        if block.kind == "table" and block.table is not None:
            _table(wd, block)
        elif block.kind == "heading":
            wd.add_heading(block.text, level=min(max(block.level or 1, 1), 9))
        else:
            wd.add_paragraph(block.text)
    add_comments(wd, doc, review)
    out = io.BytesIO()
    wd.save(out)
    return out.getvalue()


def _table(wd, block: Block) -> None:
    rows = block.table.rows
    n_cols = max((len(r) for r in rows), default=0)
    if not rows or not n_cols:
        return
    table = wd.add_table(rows=len(rows), cols=n_cols)
    table.style = "Table Grid"
    for row, xrow in zip(rows, table.rows):
        xcells = xrow.cells  # per row: Table.cell() rescans the whole table on every call
        for cell in row:
            if cell.merged_from is None:
                _write_cell(xcells[cell.col], cell.text)
    for (r0, c0), (r1, c1) in _merges(block).items():
        table.cell(r0, c0).merge(table.cell(r1, c1))


def _write_cell(cell, text: str) -> None:
    lines = text.split("\n") if text else [""]
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _merges(block: Block) -> dict[tuple[int, int], tuple[int, int]]:
    """origin → bottom-right corner, for merged regions that are clean rectangles."""
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in block.table.cells():
        if cell.merged_from is not None:
            r1, c1 = extent.get(tuple(cell.merged_from), tuple(cell.merged_from))
            extent[tuple(cell.merged_from)] = (max(r1, cell.row), max(c1, cell.col))
    rows = block.table.rows
    out = {}
    for (r0, c0), (r1, c1) in extent.items():
        ok = all(
            c < len(rows[r]) and (rows[r][c].merged_from is None if (r, c) == (r0, c0)
                                  else tuple(rows[r][c].merged_from or ()) == (r0, c0))
            for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
        )
        if ok:
            out[(r0, c0)] = (r1, c1)
    return out
