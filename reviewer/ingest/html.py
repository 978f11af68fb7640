""".html/.htm drafts: the article of a government CMS page, its paragraphs and tables.

Pages arrive whole: menus, breadcrumbs, metadata tables and footers around the
report. We decode (BOM, then the page's own charset declaration, GBK read as
GB18030), drop script/style/nav/header/footer, pick the article container
(typical CMS ids/classes, else the body) and recover the report title printed
above it. Tables are expanded over rowspan/colspan; ``<br>`` breaks lines.
"""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.document import Document, DocumentBuilder
from reviewer.errors import InputError
from reviewer.ingest.text import decode as decode_text
from reviewer.ingest.text import is_section_heading

MAX_DEPTH = 180  # real pages nest 20–40 deep; libxml2 stops at 255 and silently truncates
MAX_SPAN = 200  # rowspan/colspan beyond this is absurd for a report table
MAX_TABLE_CELLS = 50_000
LAYOUT_CELL_CHARS = 300  # a data cell never holds this much text

_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "gb18030", "cp936", "euc-cn", "hz-gb-2312"}
_STRONG = re.compile(r"zoom|trs_?editor|custom_unionstyle|article[-_]?content|view[-_]?content|news[-_]?content", re.I)
_WEAK = re.compile(r"article|content|detail|view|main[-_]?text|text[-_]?con|con[-_]?text|wzy|zw", re.I)
_TITLE_CLASS = re.compile(r"title|tit\b|bt\b", re.I)
_CHROME = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "select", "button",
           "template", "svg", "object", "embed", "head", "input", "textarea")
_BLOCK = {"p", "div", "section", "article", "main", "aside", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
          "center", "pre", "address", "figure", "figcaption", "hr", "tr", "tbody", "thead", "tfoot", "caption",
          "fieldset", "details", "summary", "td", "th"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_WS_RE = re.compile(r"[ \t\n\r\f\v\xa0\u200b]+")
_CJK_GAP_RE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) (?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings). A declared charset is trusted unless the bytes disagree."""
    warnings: list[str] = []
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text, enc = decode_text(data)
        return text, enc, warnings
    m = _CHARSET_RE.search(data[:16384])
    if m:
        declared = m.group(1).decode("ascii").lower()
        enc = "gb18030" if declared in _GB else declared
        try:
            return data.decode(enc), enc, warnings
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"网页声明的编码 {declared} 与内容不符，已自动识别编码（declared charset {declared} is wrong）")
    text, enc = decode_text(data)
    return text, enc, warnings


def read_html(data: bytes, filename: str) -> Document:
    import lxml.html
    from lxml import etree

    text, encoding, warnings = decode_html(data)
    text = _XML_DECL_RE.sub("", text, count=1)
    if not text.strip():
        raise InputError(errors.EMPTY, "网页为空", "the page is empty")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(errors.CORRUPT, "网页无法解析", "cannot parse the HTML") from exc
    _check_depth(root)
    title = _title(root)
    etree.strip_elements(root, etree.Comment, *_CHROME, with_tail=False)
    article = _article(root)
    builder = DocumentBuilder()
    flow = _Flow(builder)
    flow.walk(article)
    flow.flush()
    if title and not any(title in b.text for b in builder.blocks[:3]):
        builder = _prepend_title(builder, title)
    doc = builder.build(filename, "html", encoding=encoding)
    doc.warnings.extend(warnings)
    if not doc.blocks:
        raise InputError(errors.EMPTY, "网页中没有正文内容", "no article text found in the page")
    return doc


def _check_depth(root) -> None:
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(errors.MALICIOUS, "网页元素嵌套过深，疑似恶意构造",
                             f"HTML nesting deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in el)


def _clean(s: str) -> str:
    s = _WS_RE.sub(" ", s).strip(" \u3000")
    return _CJK_GAP_RE.sub("", s)


def _title(root) -> str | None:
    """The report title: a heading/“title” element naming a 报告, else the <title> text."""
    for el in root.iter("h1", "h2", "h3", "div", "p", "td", "span"):
        if el.tag in ("h1", "h2", "h3") or _TITLE_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            t = _clean(el.text_content())
            if 6 <= len(t) <= 80 and "报告" in t and re.search(r"(19|20)\d\d", t):
                return t
    head_title = root.find(".//title")
    if head_title is not None:
        for part in re.split(r"[-_|—–]+", _clean(head_title.text_content())):
            if "报告" in part and re.search(r"(19|20)\d\d", part):
                return part.strip()
    return None


def _text_len(el) -> int:
    return len(_WS_RE.sub("", el.text_content()))


def _article(root):
    """The report's container: a typical CMS article element, narrowed while a hinted
    descendant still holds most of its text; the body when nothing is hinted."""
    body = root.find("body")
    body = body if body is not None else root
    hinted = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = f"{el.get('id', '')} {el.get('class', '')}"
        strong = bool(_STRONG.search(attrs))
        if strong or _WEAK.search(attrs):
            n = _text_len(el)
            if n >= 100:
                hinted.append((el, n, strong))
    if not hinted:
        return body
    strong = [h for h in hinted if h[2]]
    best, best_n, _ = max(strong or hinted, key=lambda h: h[1])
    narrowed = True
    while narrowed:
        narrowed = False
        for el, n, _ in hinted:
            if el is not best and n >= 0.6 * best_n and _is_descendant(el, best):
                best, best_n, narrowed = el, n, True
                break
    return best


def _is_descendant(el, ancestor) -> bool:
    return any(a is ancestor for a in el.iterancestors())


def _prepend_title(builder: DocumentBuilder, title: str) -> DocumentBuilder:
    fresh = DocumentBuilder()
    fresh.add_text("heading", title, level=1)
    for b in builder.blocks:
        if b.kind == "table":
            grid = [[(c.text, c.merged_from) for c in row] for row in b.table.rows]
            fresh.add_table(grid)
        else:
            fresh.add_text(b.kind, b.text, level=b.level)
    return fresh


class _Flow:
    """Walks the article; inline text accumulates into lines, block boundaries flush them."""

    def __init__(self, builder: DocumentBuilder | None) -> None:
        self.builder = builder  # None: collecting the lines of a table cell
        self.buf: list[str] = []
        self.lines: list[str] = []
        self.level: int | None = None

    def flush(self) -> None:
        raw = "".join(self.buf)
        self.buf.clear()
        for line in raw.split("\n"):
            line = _clean(line)
            if not line:
                continue
            if self.builder is None:
                self.lines.append(line)
            elif self.level is not None:
                self.builder.add_text("heading", line, level=self.level)
            else:
                kind = "heading" if is_section_heading(line) else "paragraph"
                self.builder.add_text(kind, line, level=1 if kind == "heading" else None)

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table" and _is_layout(el):  # page layout, not data: read its cells as flow
            self.flush()
            self._inner(el)
            self.flush()
        elif tag == "table":
            self.flush()
            grid = table_grid(el)
            if self.builder is not None:
                if grid:
                    self.builder.add_table(grid)
            else:  # a table nested in a cell: its rows become lines of the cell
                self.lines.extend(" ".join(t for t, o in row if o is None and t) for row in grid)
        elif tag == "br":
            self.buf.append("\n")
        elif tag in _HEADINGS and self.builder is not None:
            self.flush()
            self.level = _HEADINGS[tag]
            self._inner(el)
            self.flush()
            self.level = None
        elif tag in _BLOCK or tag in _HEADINGS:
            self.flush()
            self._inner(el)
            self.flush()
        else:
            self._inner(el)
        if el.tail:
            self.buf.append(el.tail)

    def _inner(self, el) -> None:
        if el.text:
            self.buf.append(el.text)
        for child in el:
            self.walk(child)


def _is_layout(table) -> bool:
    """Old CMS pages lay the whole page out in tables; a report table never has a cell
    holding paragraphs of prose (or a whole report table)."""
    return any(len(_WS_RE.sub("", td.text_content())) > LAYOUT_CELL_CHARS for td in table.iter("td", "th"))


def _rows(table):
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")


def _span(el, name: str) -> int:
    val = re.match(r"\s*(\d+)", el.get(name, "") or "")
    return max(1, min(int(val.group(1)), MAX_SPAN)) if val else 1


def table_grid(table) -> list[list[tuple[str, tuple[int, int] | None]]]:
    """Expand rowspan/colspan: ``grid[r][c] = (text, merged_from)``; rows keep their own length."""
    trs = list(_rows(table))
    taken: dict[tuple[int, int], tuple[str, tuple[int, int] | None]] = {}
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan = min(_span(td, "rowspan"), len(trs) - r)
            colspan = _span(td, "colspan")
            if len(taken) + rowspan * colspan > MAX_TABLE_CELLS:
                raise InputError(errors.MALICIOUS, "网页表格过大（合并单元格数值异常），疑似恶意构造",
                                 "table too large (absurd rowspan/colspan)")
            text = _cell_text(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken[(r + dr, c + dc)] = (text, None if not (dr or dc) else (r, c))
            c += colspan
    width = [0] * len(trs)
    for r, c in taken:
        width[r] = max(width[r], c + 1)
    # rows without cells stay (as empty rows) so merged_from coordinates remain valid
    return [[taken.get((r, c), ("", None)) for c in range(width[r])] for r in range(len(trs))] if taken else []


def _cell_text(td) -> str:
    flow = _Flow(None)
    flow._inner(td)
    flow.flush()
    return "\n".join(flow.lines)
