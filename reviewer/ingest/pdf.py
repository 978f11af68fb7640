"""PDF drafts with a text layer: paragraphs in reading order, headings, ruled tables.

Pages are read by ``pdf_layout`` (PDFium characters + pdfplumber's ruled-table finder);
here they become the same ``Document`` a .docx gives, so the format engine maps both:

* text lines outside tables are joined into paragraphs (a paragraph ends at an indented
  line, a short line, a wider gap or a heading); page numbers (“- 4 -”, “— 4 —”, “第4页”)
  and headers repeated on every page are dropped;
* a table that ends one page and starts the next with the same columns is one table;
  a header row repeated on the next page is dropped, and a merged cell cut by the page
  break continues into the next page;
* every block and cell records its page and box, and every character of ``Document.text``
  its box, so findings can be pinned on the page (Location.page/bbox, annotated PDF).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

from reviewer import errors
from reviewer.document import Document, DocumentBuilder
from reviewer.errors import InputError
from reviewer.ingest.pdf_layout import Box, Char, Line, PageLayout, PageTable, is_cjk, line_text
from reviewer.ingest.text import is_section_heading

MAX_PAGES = 300  # an annual report has 5–30 pages
MAX_CHARS = 2_000_000
TIME_BUDGET_S = 60.0  # per file; the service's task limit is the outer bound

_PAGE_NUMBER = re.compile(r"^[\s\-—–－―_·•]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d+\s*页)?[\s\-—–－―_·•]*$")
CharBox = tuple[int, float, float, float, float]  # page, x0, top, x1, bottom


@dataclass
class PdfRead:
    doc: Document
    boxes: list[CharBox | None]  # one per character of doc.text
    pages: list[tuple[float, float]] = field(default_factory=list)  # (width, height) per page


def read_pdf(data: bytes, filename: str) -> Document:
    return read_pdf_layout(data, filename).doc


def read_pdf_layout(data: bytes, filename: str) -> PdfRead:
    from reviewer.ingest.pdf_safety import PDFIUM_LOCK, open_pdf

    with PDFIUM_LOCK:  # PDFium is not thread-safe (thread-pool workers)
        pdf, raw = open_pdf(data)
        try:
            return _read(pdf, raw, filename)
        finally:
            pdf.close()


def _read(pdf, raw, filename: str) -> PdfRead:
    from reviewer.ingest.pdf_layout import read_page

    n = len(pdf)
    if n > MAX_PAGES:
        raise InputError(errors.TOO_LARGE, f"PDF 页数过多（{n} 页），上限为 {MAX_PAGES} 页",
                         f"the PDF has {n} pages (limit {MAX_PAGES})")
    from reviewer.ingest.pdf_layout import Budget
    from reviewer.settings import get_settings

    s = get_settings()
    budget = Budget(time.monotonic() + TIME_BUDGET_S, MAX_CHARS, s.max_table_cells,
                    s.max_paragraphs + s.max_table_cells)
    pages: list[PageLayout] = []
    total = 0
    for i in range(n):
        page = pdf[i]
        try:
            layout = read_page(page, i + 1, raw, budget)  # the limits are checked inside the page
        finally:
            page.close()
        total += layout.char_count
        budget.chars = total
        pages.append(layout)
    unmapped = sum(p.unmapped for p in pages)
    if unmapped > max(50, total):  # most glyphs have no Unicode value: copying the text gives garbage
        raise InputError(errors.SCANNED_PDF,
                         "这份 PDF 的文字无法提取（字体缺少字符映射，复制出来是乱码）。请提交原始 .docx，"
                         "或重新导出 PDF（导出时勾选“嵌入字体”/使用常用字体），或先用 OCR 软件识别",
                         "the PDF's fonts have no Unicode mapping (text extracts as garbage); "
                         "submit the .docx, re-export the PDF, or run OCR")
    if total == 0:
        raise InputError(errors.SCANNED_PDF,
                         "这份 PDF 没有文字层（可能是扫描件或图片），无法读取文字。请提交由 Word/WPS 直接导出的 PDF"
                         "或原始 .docx；只有扫描件时，请先用 OCR 软件（如 WPS 的“图片转文字”、Adobe Acrobat 的“识别文本”）"
                         "转换为可复制文字的文档",
                         "the PDF has no text layer (scanned or image-only); submit a PDF exported from Word/WPS, "
                         "the .docx, or run OCR first")
    builder = _Builder([(p.width, p.height) for p in pages])
    _assemble(pages, builder)
    doc = builder.build(filename)
    doc._char_boxes = builder.boxes
    if not doc.text.strip():
        raise InputError(errors.SCANNED_PDF, "这份 PDF 没有可读取的文字（可能是扫描件）", "the PDF has no readable text")
    return PdfRead(doc, builder.boxes, builder.pages)


# -- page furniture ----------------------------------------------------------

def _furniture(pages: list[PageLayout]) -> set[tuple[int, int]]:
    """(page, line index) of page numbers and running headers/footers."""
    out: set[tuple[int, int]] = set()
    texts: Counter[str] = Counter()
    edge_lines: list[tuple[int, int, str]] = []
    for p in pages:
        for i, line in enumerate(p.lines):
            margin = line.bottom < p.height * 0.1 or line.top > p.height * 0.9
            if not margin:
                continue
            text, _ = line_text(line.chars)
            if _PAGE_NUMBER.match(text):
                out.add((p.number, i))
            else:
                key = re.sub(r"\d+", "#", text.replace(" ", ""))
                texts[key] += 1
                edge_lines.append((p.number, i, key))
    if len(pages) >= 3:  # a line repeated in the margin of most pages is a running header
        for number, i, key in edge_lines:
            if texts[key] >= max(2, len(pages) // 2):
                out.add((number, i))
    return out


# -- paragraphs --------------------------------------------------------------

@dataclass
class _Para:
    lines: list[Line]
    page: int  # where it starts
    line_pages: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_pages:
            self.line_pages = [self.page] * len(self.lines)

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.line_pages.append(self.line_pages[-1])

    def extend(self, other: "_Para") -> None:
        """The continuation of this paragraph on the next page."""
        self.lines += other.lines
        self.line_pages += other.line_pages

    @property
    def pages(self) -> dict[int, int]:
        return {id(c): page for line, page in zip(self.lines, self.line_pages) for c in line.chars}

    @property
    def box(self) -> Box:
        own = [ln for ln, pg in zip(self.lines, self.line_pages) if pg == self.page]
        return (min(ln.x0 for ln in own), min(ln.top for ln in own),
                max(ln.x1 for ln in own), max(ln.bottom for ln in own))


def _margins(p: PageLayout) -> tuple[float, float, float]:
    """(left margin, right margin, line pitch) of the page's body text.

    The pitch (top-to-top distance of consecutive lines) is what the page's line spacing
    makes it — 1.2× the font size in Word's single spacing, 1.5–2.5× in exports of web
    pages — so a gap only starts a paragraph when it is clearly wider than that.
    """
    lines = [ln for ln in p.lines if len(ln.chars) > 8]
    if not lines:
        return (0.0, p.width, 0.0)
    lefts = sorted(ln.x0 for ln in lines)
    rights = sorted(ln.x1 for ln in lines)
    steps = sorted(b.top - a.top for a, b in zip(p.lines, p.lines[1:])
                   if 0.8 * a.size < b.top - a.top < 3.5 * a.size)
    pitch = steps[len(steps) // 2] if steps else 0.0
    return lefts[len(lefts) // 5], rights[len(rights) * 4 // 5], pitch


def _starts_new(prev: Line, line: Line, prev_margins, margins, same_page: bool) -> bool:
    size = max(line.size, 1.0)
    left, _right, pitch = margins
    if line.x0 > left + 1.2 * size:  # first-line indent (or a centred line)
        return True
    if prev.x1 < prev_margins[1] - 1.5 * max(prev.size, 1.0):  # the previous line ended short
        return True
    if abs(line.size - prev.size) > 0.3 * max(size, prev.size):  # a bold run-in heading is not a new size
        return True
    if same_page and line.top - prev.top > max(1.45 * pitch, prev.bottom - prev.top + 1.1 * size):
        return True  # a wider gap than the page's line spacing
    text, _ = line_text(line.chars)
    return is_section_heading(text)


def _paragraphs(p: PageLayout, lines: list[Line], carry: tuple[Line, tuple] | None) -> tuple[list[_Para], bool]:
    """Paragraphs of consecutive free lines; True when the first continues the previous page's last."""
    margins = _margins(p)
    paras: list[_Para] = []
    continues = False
    for line in lines:
        if not paras:
            continues = carry is not None and not _starts_new(carry[0], line, carry[1], margins, False)
            paras.append(_Para([line], p.number))
        elif _starts_new(paras[-1].lines[-1], line, margins, margins, True):
            paras.append(_Para([line], p.number))
        else:
            paras[-1].add(line)
    return paras, continues


def _join(lines: list[Line]) -> tuple[str, list[Char | None]]:
    text, src = "", []
    for line in lines:
        t, s = line_text(line.chars)
        if text and t and text[-1].isalpha() and t[0].isalpha() and not is_cjk(text[-1]) and not is_cjk(t[0]):
            # Latin words wrapped over two lines; digits wrapped in a narrow cell (“2”/“6”) stay one number
            text += " "
            src.append(None)
        text += t
        src += s
    return text, src


# -- tables ------------------------------------------------------------------

@dataclass
class _RunCell:
    """A cell of a logical table; a cell cut by a page break has a part on each page."""

    parts: list[tuple[int, list[Char]]]  # (page, characters)
    box: Box
    page: int
    origin: tuple[int, int] | None = None

    @property
    def empty(self) -> bool:
        return not any(chars for _, chars in self.parts)

    def text(self) -> tuple[str, list[tuple[int, Char] | None]]:
        from reviewer.ingest.pdf_layout import group_lines

        text, src = "", []
        for page, chars in self.parts:
            if not chars:
                continue
            t, s = _join(group_lines(chars))
            text += t
            src += [(page, c) if c is not None else None for c in s]
        return text, src

    def has_digit(self) -> bool:
        return any(c.text.isdigit() for _, chars in self.parts for c in chars)


@dataclass
class _TableRun:
    """A logical table: page tables continued across page breaks, on one column grid."""

    rows: list[list[_RunCell]]
    page: int
    box: Box  # the first part's box (its page's coordinates)
    edges: list[float]  # column edges, in the first part's x coordinates
    last_box: Box  # the part seen last, to compare the next page's table with

    @classmethod
    def start(cls, table: PageTable, page: int) -> "_TableRun":
        rows = [[_RunCell([(page, c.chars)], c.box, page, c.origin) for c in row] for row in table.rows]
        return cls(rows, page, table.box, list(table.col_edges), table.box)


def _owner(rows: list[list[_RunCell]], r: int, c: int) -> tuple[int, int]:
    cell = rows[r][c]
    return cell.origin if cell.origin is not None else (r, c)


def _regrid(rows: list[list[_RunCell]], old: list[float], new: list[float]) -> list[list[_RunCell]]:
    """The same cells on a finer set of column edges (a coarse column becomes a merged cell)."""
    def old_col(j: int) -> int:
        mid = (new[j] + new[j + 1]) / 2
        for i in range(len(old) - 1):
            if old[i] <= mid < old[i + 1]:
                return i
        return 0 if mid < old[0] else len(old) - 2

    cols = [old_col(j) for j in range(len(new) - 1)]
    first = {}
    for j, i in enumerate(cols):
        first.setdefault(i, j)
    out = []
    for r, row in enumerate(rows):
        new_row = []
        for j, i in enumerate(cols):
            r0, i0 = _owner(rows, r, i)
            target = (r0, first.get(i0, 0))
            src = rows[r0][i0]
            if (r, j) == target:
                new_row.append(_RunCell(src.parts, src.box, src.page))
            else:
                new_row.append(_RunCell([], src.box, src.page, origin=target))
        out.append(new_row)
    return out


def _texts(row: list[_RunCell]) -> list[str]:
    return [c.text()[0] if c.origin is None else "\x00" for c in row]


def _continues(run: _TableRun, table: PageTable) -> bool:
    """Same horizontal extent (within a few points, or a few per cent when the page is scaled)."""
    a, b = run.last_box, table.box
    width = a[2] - a[0]
    return abs(a[0] - b[0]) <= max(8.0, 0.03 * width) and abs(a[2] - b[2]) <= max(8.0, 0.03 * width)


def _continue(run: _TableRun, table: PageTable, page: int) -> None:
    """Append a page table that continues ``run`` on the next page."""
    a0, a1 = run.box[0], run.box[2]
    b0, b1 = table.box[0], table.box[2]
    scale = (a1 - a0) / (b1 - b0) if b1 > b0 else 1.0
    mapped = [a0 + (x - b0) * scale for x in table.col_edges]
    from reviewer.ingest.pdf_layout import _cluster

    union = _cluster(run.edges + mapped, tol=3.0)
    if union != run.edges:
        run.rows = _regrid(run.rows, run.edges, union)
    part = [[_RunCell([(page, c.chars)], c.box, page, c.origin) for c in row] for row in table.rows]
    part = _regrid(part, mapped, union)
    run.edges = union
    run.last_box = table.box
    header = [_texts(r) for r in run.rows[:3]]
    skip = 0
    while skip < len(part) and _texts(part[skip]) in header and any(t.strip("\x00") for t in _texts(part[skip])):
        skip += 1  # a header row repeated on the new page
    if skip == len(part):
        return
    # below, rows and origins of ``part`` keep their own indices; the kept rows start at ``skip``
    base = len(run.rows)
    last = run.rows[-1]
    top = part[skip]
    split = _split_row(run.rows, top, skip)
    remap: dict[tuple[int, int], tuple[int, int]] = {}
    if split:  # the row itself was cut by the page break: one row, two parts
        for c, cell in enumerate(top):
            if cell.origin is None and not cell.empty:
                r0, c0 = _owner(run.rows, base - 1, c)
                run.rows[r0][c0].parts.extend(cell.parts)
            remap[(skip, c)] = _owner(run.rows, base - 1, c)
    else:
        header_cut = _header_rows_cut(run.rows, top, skip)
        for c, cell in enumerate(top):
            # a vertically merged cell cut by the page break: its empty top part continues it
            # (only merged cells: an empty value cell must never borrow the number above it)
            if cell.origin is None and cell.empty and last[c].origin is not None:
                remap[(skip, c)] = last[c].origin
            elif c in header_cut:  # a header cell cut in two (“结” / “果维持”): one cell
                owner = _owner(run.rows, base - 1, c)
                run.rows[owner[0]][owner[1]].parts.extend(cell.parts)
                for j in header_cut[c]:
                    remap[(skip, j)] = owner
    first_new = skip + (1 if split else 0)  # the part's first row that becomes a new row of the run

    def new_index(r: int) -> int:
        return base + r - first_new

    for r in range(first_new, len(part)):
        new_row = []
        for c, cell in enumerate(part[r]):
            key = cell.origin if cell.origin is not None else (r, c)
            if key in remap:
                new_row.append(_RunCell([], cell.box, cell.page, origin=remap[key]))
            elif cell.origin is None:
                new_row.append(cell)
            elif key[0] >= first_new:
                new_row.append(_RunCell([], cell.box, cell.page, origin=(new_index(key[0]), key[1])))
            else:  # its origin was a dropped header row: an empty cell of its own
                new_row.append(_RunCell([], cell.box, cell.page))
        run.rows.append(new_row)


def _header_rows_cut(rows: list[list[_RunCell]], top: list[_RunCell], top_index: int) -> dict[int, list[int]]:
    """Header cells cut by the page break: {column of the cell on the new page: its columns}.

    Only between two rows without any number (header rows), and only where a text cell on the
    new page spans exactly the columns of a text cell at the bottom of the previous page.
    """
    last_r = len(rows) - 1
    last = rows[last_r]
    if any(c.has_digit() for c in top if c.origin is None) or any(c.has_digit() for c in last if c.origin is None):
        return {}
    last_owners = [_owner(rows, last_r, c) for c in range(len(last))]
    top_owners = [c.origin if c.origin is not None else (top_index, i) for i, c in enumerate(top)]
    out: dict[int, list[int]] = {}
    for c, cell in enumerate(top):
        if cell.origin is not None or cell.empty:
            continue
        cols = [j for j, o in enumerate(top_owners) if o == (top_index, c)]
        owner = last_owners[c]
        if [j for j, o in enumerate(last_owners) if o == owner] == cols and not rows[owner[0]][owner[1]].empty:
            out[c] = cols
    return out


def _split_row(rows: list[list[_RunCell]], top: list[_RunCell], top_index: int) -> bool:
    """The next page's first row holds only the rest of the previous row's wrapped labels.

    Its text cells continue cells of the previous row (or the merged cells that row is part
    of, such as a vertical “三、本年度办理结果”), its cells span the same columns, and it has
    no number while that row has.
    """
    last_r = len(rows) - 1
    last = rows[last_r]
    if any(c.has_digit() for c in top if c.origin is None) or not any(c.has_digit() for c in last if c.origin is None):
        return False
    texts = [i for i, c in enumerate(top) if c.origin is None and not c.empty]
    if not texts:
        return False
    # a row cut in two keeps its cells side by side as they were: the same horizontal spans
    # (a full-width caption row such as “第二十条第（五）项” is a new row, not the rest of one)
    def breaks(owners: list) -> list[int]:
        return [c for c in range(1, len(owners)) if owners[c] != owners[c - 1]]

    last_owners = [_owner(rows, last_r, c) for c in range(len(last))]
    top_owners = [c.origin if c.origin is not None else (top_index, i) for i, c in enumerate(top)]
    if breaks(last_owners) != breaks(top_owners):
        return False
    for i in texts:
        r0, c0 = _owner(rows, last_r, i)
        if rows[r0][c0].empty:
            return False
    return True


# -- assembly ----------------------------------------------------------------

class _Builder(DocumentBuilder):
    """DocumentBuilder that also records each character's box and each block's page."""

    def __init__(self, pages: list[tuple[float, float]]):
        super().__init__()
        self.boxes: list[CharBox | None] = []
        self.pages = pages

    def _append(self, s: str) -> tuple[int, int]:
        span = super()._append(s)
        self.boxes.extend([None] * len(s))
        return span

    def put_boxes(self, start: int, src: list[tuple[int, Char] | None]) -> None:
        for i, item in enumerate(src):
            if item is not None:
                page, ch = item
                self.boxes[start + i] = (page, ch.x0, ch.top, ch.x1, ch.bottom)

    def paragraph(self, para: _Para) -> None:
        text, src = _join(para.lines)
        if not text.strip():
            return
        kind = "heading" if is_section_heading(text) else "paragraph"
        block = self.add_text(kind, text, level=1 if kind == "heading" else None)
        pages = para.pages
        self.put_boxes(block.span[0], [(pages[id(c)], c) if c is not None else None for c in src])
        block.page = para.page
        block.bbox = tuple(round(v, 2) for v in para.box)

    def table(self, run: _TableRun) -> None:
        grid, sources = [], []
        for row in run.rows:
            grow, srow = [], []
            for cell in row:
                if cell.origin is not None:
                    grow.append(("", cell.origin))
                    srow.append(None)
                else:
                    text, src = cell.text()
                    grow.append((text, None))
                    srow.append((cell.page, cell.box, src))
            grid.append(grow)
            sources.append(srow)
        for row in grid:  # merged copies repeat their origin's text
            for c, (text, origin) in enumerate(row):
                if origin is not None:
                    row[c] = (grid[origin[0]][origin[1]][0], origin)
        block = self.add_table(grid)
        block.page, block.bbox = run.page, tuple(round(v, 2) for v in run.box)
        for r, row in enumerate(block.table.rows):
            for c, cell in enumerate(row):
                s = sources[r][c] if cell.merged_from is None else sources[cell.merged_from[0]][cell.merged_from[1]]
                if s is None:
                    continue
                page, box, src = s
                cell.page, cell.bbox = page, tuple(round(v, 2) for v in box)
                if cell.merged_from is None and cell.span is not None:
                    self.put_boxes(cell.span[0], src)

    def build(self, source: str) -> Document:  # type: ignore[override]
        return Document(source=source, media_type="pdf", text="".join(self._parts), blocks=self.blocks)


def _assemble(pages: list[PageLayout], builder: _Builder) -> None:
    furniture = _furniture(pages)
    pending: _Para | None = None  # the last paragraph, held back in case the next page continues it
    run: _TableRun | None = None  # the last table, held back in case the next page continues it
    carry: tuple[Line, tuple] | None = None
    for p in pages:
        lines = [ln for i, ln in enumerate(p.lines) if (p.number, i) not in furniture]
        items: list[tuple[float, object]] = [(ln.top, ln) for ln in lines] + [(t.box[1], t) for t in p.tables]
        items.sort(key=lambda it: it[0])
        k = 0
        while k < len(items):
            obj = items[k][1]
            if isinstance(obj, PageTable):
                if k == 0 and run is not None and _continues(run, obj):
                    _continue(run, obj, p.number)
                else:
                    if pending is not None:
                        builder.paragraph(pending)
                        pending = None
                    if run is not None:
                        builder.table(run)
                    run = _TableRun.start(obj, p.number)
                carry = None
                k += 1
                continue
            block_lines = []
            while k < len(items) and isinstance(items[k][1], Line):
                block_lines.append(items[k][1])
                k += 1
            paras, continues = _paragraphs(p, block_lines, carry if k == len(block_lines) else None)
            if run is not None:
                builder.table(run)
                run = None
            if continues and pending is not None:
                pending.extend(paras[0])
                paras = paras[1:]
            if paras and pending is not None:
                builder.paragraph(pending)
                pending = None
            for para in paras[:-1]:
                builder.paragraph(para)
            if paras:
                pending = paras[-1]
            carry = (block_lines[-1], _margins(p))
        if items and isinstance(items[-1][1], PageTable):
            carry = None
    if pending is not None:
        builder.paragraph(pending)
    if run is not None:
        builder.table(run)
