"""Tables shown as read: when a draft's table came from text (one cell per line, pasted, crawled), the
annotated page shows it in the format's standard grid — the declaration's rows and columns, each cell
holding the text as read — so a mark sits in the column the finding names. (A .docx/.html/.pdf table
keeps the author's own grid.)"""

from __future__ import annotations

from html import escape

from reviewer.document import Document
from reviewer.findings import SEVERITY_ORDER, Review
from reviewer.formats import FORMATS

TEXT_MEDIA = ("txt",)  # drafts whose tables are lines of text, not a grid


def standard_grids(doc: Document, review: Review) -> dict[str, list[tuple[object, object]]]:
    """Block id → the logical tables (spec, table) to draw there in the standard grid; {} for a draft
    whose tables are real grids or when nothing was read."""
    if doc.media_type not in TEXT_MEDIA or review.status != "ok":
        return {}
    from reviewer.extract import extract

    facts = extract(doc)
    layout = FORMATS.get(facts.template or facts.format_id, FORMATS[facts.format_id])
    out: dict[str, list] = {}
    for spec in layout.tables:
        table = facts.tables.get(spec.id)
        if table is None or not table.found or not table.cells:
            continue
        first = next((c.block_id for c in table.cells.values() if c.block_id), None)
        if first:
            out.setdefault(first, []).append((spec, table))
    return out


def grid_html(spec, table, marks: dict[tuple[str, str, str], list[tuple[str, str]]], attrs, note: bool = True) -> str:
    """One table in its standard grid; ``marks`` (table, row, column) → [(token, severity)]."""
    head = "".join(f"<th>{escape(c.label)}</th>" for c in spec.columns)
    wide = " wide" if len(spec.columns) > 8 else ""  # table 四: 15 columns, headers wrap
    rows = [f'<table class="std-grid{wide}" data-table="{escape(spec.id)}"><caption>{escape(spec.title)}'
            + ('<span class="meta">（原稿为逐行文字，按标准格式排列读到的数值）</span>' if note else "") + "</caption>"
            f'<tr><th></th>{head}</tr>']
    depth = {}
    for row in spec.rows:
        depth[row.key] = depth.get(row.parent, -1) + 1 if row.parent else 0
        label = f'<th class="rowlabel" style="padding-left:{6 + 14 * depth[row.key]}px">{escape(row.full_label)}</th>'
        if row.group_only:
            rows.append(f'<tr class="group">{label}<td colspan="{len(spec.columns)}"></td></tr>')
            continue
        cells = []
        for col in spec.columns:
            cell = table.cells.get(f"{row.key}/{col.key}")
            text = "" if cell is None else (cell.raw if cell.raw is not None else "")
            here = marks.get((spec.id, row.key, col.key), [])
            cells.append(f"<td{attrs(here, 'num')}>{escape(text)}{'*' if cell is not None and cell.inferred else ''}</td>")
        rows.append(f"<tr>{label}{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def cell_marks(anchors_, grids) -> dict[tuple[str, str, str], list[tuple[str, str]]]:
    """Marks per grid cell: a location naming the cell, or one whose characters are the cell's as read."""
    by_span = [((c.span[0], c.span[1]), (c.table, c.row, c.column)) for tables in grids.values()
               for _, table in tables for c in table.cells.values() if c.span]
    out: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for a in anchors_:
        loc = a.location
        keys = []
        if loc.table and loc.row and loc.column:
            keys = [(loc.table, loc.row, loc.column)]
        elif loc.span:
            keys = [k for (s, e), k in by_span if s < loc.span[1] and loc.span[0] < e]
        for key in keys:
            out.setdefault(key, []).append((f"a{a.finding_index}-{a.location_index}", a.finding.severity))
    for v in out.values():
        v.sort(key=lambda m: SEVERITY_ORDER.get(m[1], 9))
    return out
