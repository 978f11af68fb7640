"""A PDF page as characters, text lines and ruled tables (geometry only, no report knowledge).

PDFium (``pypdfium2``) parses the file: it is Chrome's PDF engine, fuzzed against hostile
input and an order of magnitude faster than a pure-Python parser on the CID-font exports
WPS and Word produce. Ruled tables are found from the page's drawn lines by pdfplumber's
table finder (the Nurminen/Tabula method), fed with the edges PDFium reports.

Coordinates are PDF points with the origin at the page's top-left (``top`` grows
downwards), as pdfplumber uses them.
"""

from __future__ import annotations

import ctypes
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from reviewer import errors
from reviewer.errors import InputError

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

_THIN = 2.5  # a path this thin in one direction is a rule (table border)
MAX_EDGES_PER_PAGE = 20_000  # drawn rules on one page; a real table page has a few hundred
_CHECK_EVERY = 2048  # characters or page objects between two looks at the budget


@dataclass
class Budget:
    """What reading one PDF may cost, checked while reading — every few thousand characters or
    objects of a page, and before a table grid is built — not after the whole file was parsed."""

    deadline: float  # time.monotonic() value
    max_chars: int
    max_cells: int
    max_lines: int
    chars: int = 0  # so far, over the pages read
    cells: int = 0
    lines: int = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise InputError(errors.MALICIOUS, "PDF 解析超时，疑似恶意构造",
                             "reading the PDF took longer than its time budget")

    def check_chars(self, page_chars: int) -> None:
        if self.chars + page_chars > self.max_chars:
            raise InputError(errors.MALICIOUS, "PDF 文字量异常巨大，疑似恶意构造", "the PDF holds an abnormal amount of text")
        self.check_time()

    def add_cells(self, n: int) -> None:
        from reviewer.ingest.limits import check_counts

        self.cells += n
        check_counts(cells=self.cells)

    def add_lines(self, n: int) -> None:
        from reviewer.ingest.limits import check_counts

        self.lines += n
        check_counts(paragraphs=self.lines)


def unlimited() -> Budget:
    return Budget(float("inf"), 1 << 62, 1 << 62, 1 << 62)


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    base: float  # baseline, from the page top: characters of one line share it whatever their glyph boxes

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


class Line:
    """A text line; its bounds are computed once, when grouping is done (``finish``)."""

    __slots__ = ("chars", "x0", "x1", "top", "bottom", "size")

    def __init__(self, chars: list[Char]):
        self.chars = chars
        self.finish()

    def finish(self) -> "Line":
        cs = self.chars
        self.x0 = min(c.x0 for c in cs)
        self.x1 = max(c.x1 for c in cs)
        self.top = min(c.top for c in cs)
        self.bottom = max(c.bottom for c in cs)
        sizes = sorted(c.size for c in cs)
        self.size = sizes[len(sizes) // 2]
        return self


@dataclass
class GridCell:
    """One grid position of a table; ``origin`` is set on the copies a merged cell covers."""

    chars: list[Char]
    box: Box
    origin: tuple[int, int] | None = None


@dataclass
class PageTable:
    box: Box
    rows: list[list[GridCell]]
    col_edges: list[float]


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)  # text outside tables
    tables: list[PageTable] = field(default_factory=list)
    char_count: int = 0
    unmapped: int = 0  # private-use characters dropped (fonts without a Unicode map)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F


def line_text(chars: list[Char]) -> tuple[str, list[Char | None]]:
    """Characters left to right; a space where two Latin/digit characters stand apart.

    Justified CJK text has gaps between every character, so gaps only mean a space
    between two non-CJK characters (“3001 53” in a table flattened into text).
    """
    out: list[str] = []
    src: list[Char | None] = []
    prev: Char | None = None
    for c in sorted(chars, key=lambda c: c.x0):
        if c.text.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                src.append(None)
            prev = None
            continue
        if prev is not None and c.x0 - prev.x1 > 0.25 * max(c.size, prev.size) \
                and not is_cjk(c.text) and not is_cjk(prev.text) and out[-1] != " ":
            out.append(" ")
            src.append(None)
        out.append(c.text)
        src.append(c)
        prev = c
    while out and out[-1] == " ":
        out.pop()
        src.pop()
    while out and out[0] == " ":
        out.pop(0)
        src.pop(0)
    return "".join(out), src


def group_lines(chars: list[Char]) -> list[Line]:
    """Characters into text lines: same baseline band, ordered top to bottom."""
    lines: list[Line] = []
    for c in sorted(chars, key=lambda c: (round(c.base, 1), c.x0)):
        for line in reversed(lines[-3:]):
            last = line.chars[-1]
            tol = 0.3 * max(c.size, last.size, 1.0)
            if abs(c.base - last.base) <= tol:
                line.chars.append(c)
                break
        else:
            lines.append(Line([c]))
    for line in lines:
        line.finish()
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _chars(textpage, height: float, raw, budget: Budget) -> tuple[list[Char], int]:
    """(the page's characters with their boxes, count of unmapped private-use characters).

    A few ctypes calls per character, bound once. Private-use code points are dropped: they are
    no text, and the table stream uses two of them as markers."""
    out: list[Char] = []
    unmapped = 0
    tp = textpage.raw
    is_generated, unicode_of = raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode
    loose_box, tight_box, origin = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharBox, raw.FPDFText_GetCharOrigin
    rect = raw.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    tight_refs = [ctypes.byref(v) for v in (left, right, bottom, top)]
    ox, oy = ctypes.c_double(), ctypes.c_double()
    ox_ref, oy_ref = ctypes.byref(ox), ctypes.byref(oy)
    skip = {0, 0xFFFE, 0xFFFF, 0x0D, 0x0A, 0x02, 0x03}
    for i in range(textpage.count_chars()):
        if not i % _CHECK_EVERY:
            budget.check_chars(len(out))
        if is_generated(tp, i) == 1:
            continue  # spaces and line breaks PDFium inferred; we infer our own
        code = unicode_of(tp, i)
        if code in skip or 0xD800 <= code <= 0xDFFF:
            continue
        if 0xE000 <= code <= 0xF8FF:  # private use: a symbol font's glyph, or a font without a Unicode map
            unmapped += 1
            continue
        if not loose_box(tp, i, rect_ref):
            continue
        ch = chr(code)
        x0, y1, x1, y0 = rect.left, rect.top, rect.right, rect.bottom
        if (x1 - x0 <= 0 or y1 - y0 <= 0) and not ch.isspace():
            if not tight_box(tp, i, *tight_refs):
                continue
            x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        # the loose box is the font's em box on the page (FPDFText_GetFontSize ignores the text matrix)
        base = oy.value if origin(tp, i, ox_ref, oy_ref) else y0
        out.append(Char(ch, x0, height - y1, x1, height - y0, y1 - y0, height - base))
    return out, unmapped


def _edges(page, height: float, raw, budget: Budget) -> list[dict]:
    """Table rules: stroked paths and thin filled bars; large filled areas are shading.

    Walks the page's top-level objects through the raw API: wrapping each of a page's
    thousands of text objects in Python objects would cost more than reading the text.
    """
    edges: list[dict] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    fill_ref, stroke_ref = ctypes.byref(fill), ctypes.byref(stroke)
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    bounds_refs = [ctypes.byref(v) for v in (l, b, r, t)]
    get_object, get_type, get_bounds = raw.FPDFPage_GetObject, raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds
    path = raw.FPDF_PAGEOBJ_PATH
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        if not i % _CHECK_EVERY:
            budget.check_time()
            if len(edges) > MAX_EDGES_PER_PAGE:
                raise InputError(errors.MALICIOUS, f"PDF 单页线条过多（超过 {MAX_EDGES_PER_PAGE} 条），疑似恶意构造",
                                 f"a PDF page draws more than {MAX_EDGES_PER_PAGE} rules")
        obj = get_object(page.raw, i)
        if get_type(obj) != path or not get_bounds(obj, *bounds_refs):
            continue
        x0, y0, x1, y1 = l.value, b.value, r.value, t.value
        w, h = x1 - x0, y1 - y0
        raw.FPDFPath_GetDrawMode(obj, fill_ref, stroke_ref)
        top, bottom = height - y1, height - y0
        if w < _THIN and h >= _THIN:
            edges.append(_edge("v", (x0 + x1) / 2, top, (x0 + x1) / 2, bottom))
        elif h < _THIN and w >= _THIN:
            edges.append(_edge("h", x0, (top + bottom) / 2, x1, (top + bottom) / 2))
        elif stroke.value and w >= _THIN and h >= _THIN:  # a stroked rectangle: its four sides
            edges += [_edge("h", x0, top, x1, top), _edge("h", x0, bottom, x1, bottom),
                      _edge("v", x0, top, x0, bottom), _edge("v", x1, top, x1, bottom)]
    return edges


def _edge(orientation: str, x0: float, top: float, x1: float, bottom: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


class _EdgePage:
    """What pdfplumber's TableFinder reads from a page when the strategy is “lines”."""

    def __init__(self, edges: list[dict], width: float, height: float):
        self.edges = edges
        self.bbox = (0, 0, width, height)


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The edge nearest to ``v`` (edges are sorted)."""
    i = bisect_left(edges, v)
    if i == 0:
        return 0
    if i == len(edges):
        return i - 1
    return i if edges[i] - v < v - edges[i - 1] else i - 1


def grid_size(cells: list[Box]) -> tuple[list[float], list[float]]:
    return _cluster([c[0] for c in cells] + [c[2] for c in cells]), _cluster([c[1] for c in cells] + [c[3] for c in cells])


def _grid(cells: list[Box], chars: list[Char], xs: list[float], ys: list[float]) -> PageTable | None:
    ncols, nrows = len(xs) - 1, len(ys) - 1
    if ncols < 1 or nrows < 1:
        return None
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    boxes: dict[tuple[int, int], Box] = {}
    for box in cells:
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        boxes[(r0, c0)] = box
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), (r0, c0))
    content: dict[tuple[int, int], list[Char]] = {k: [] for k in boxes}
    for ch in chars:
        c, r = _locate(xs, ch.cx), _locate(ys, ch.cy)
        if c is None or r is None:
            continue
        key = owner.get((r, c))
        if key is not None:
            content[key].append(ch)
    rows: list[list[GridCell]] = []
    for r in range(nrows):
        row: list[GridCell] = []
        for c in range(ncols):
            key = owner.get((r, c))
            if key is None:  # a hole in the ruling: an empty cell of its own
                row.append(GridCell([], (xs[c], ys[r], xs[c + 1], ys[r + 1])))
            elif key == (r, c):
                row.append(GridCell(content[key], boxes[key]))
            else:
                row.append(GridCell([], boxes[key], origin=key))
        rows.append(row)
    x0, top = min(c[0] for c in cells), min(c[1] for c in cells)
    x1, bottom = max(c[2] for c in cells), max(c[3] for c in cells)
    return PageTable((x0, top, x1, bottom), rows, xs)


def _locate(edges: list[float], v: float) -> int | None:
    """Index of the interval [edges[i], edges[i+1]) holding ``v``."""
    i = bisect_right(edges, v) - 1
    return i if 0 <= i < len(edges) - 1 else None


def _inside(ch: Char, box: Box) -> bool:
    return box[0] <= ch.cx <= box[2] and box[1] <= ch.cy <= box[3]


def read_page(page, number: int, raw, budget: Budget | None = None) -> PageLayout:
    from pdfplumber.table import TableFinder

    budget = budget or unlimited()
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars, unmapped = _chars(textpage, height, raw, budget)
    finally:
        textpage.close()
    budget.check_chars(len(chars))
    layout = PageLayout(number, width, height, char_count=len(chars), unmapped=unmapped)
    edges = _edges(page, height, raw, budget)
    tables: list[PageTable] = []
    if len(edges) >= 4:
        finder = TableFinder(_EdgePage(edges, width, height), {"snap_tolerance": 3, "join_tolerance": 3,
                                                               "intersection_tolerance": 3})
        for found in finder.tables:
            budget.check_time()
            xs, ys = grid_size(found.cells)
            budget.add_cells(max(len(xs) - 1, 0) * max(len(ys) - 1, 0))  # refused before the grid is built
            box = found.bbox  # computed on each access
            inside = [c for c in chars if _inside(c, box)]
            table = _grid(found.cells, inside, xs, ys)
            # one column is a ruled box around text (a frame), not a table
            if table is not None and len(table.col_edges) >= 3:
                tables.append(table)
    layout.tables = sorted(tables, key=lambda t: t.box[1])
    free = [c for c in chars if not any(_inside(c, t.box) for t in layout.tables)]
    layout.lines = group_lines(free)
    budget.add_lines(len(layout.lines))
    return layout
