""".docx drafts: body paragraphs and real tables, in document order.

The container is vetted by ``safety.open_docx_zip`` first; python-docx then
parses it (its lxml parser does not resolve entities, and DTDs were refused
anyway). We walk the body XML ourselves because python-docx's high-level API
hides what we need: content controls (``w:sdt``), vertical merges and text
boxes. Merged table cells are expanded into every grid position they cover.
"""

from __future__ import annotations

import io
import logging
import re

from docx.oxml.ns import nsmap, qn
from lxml import etree

from reviewer import errors
from reviewer.document import Document, DocumentBuilder
from reviewer.errors import InputError
from reviewer.ingest.safety import open_docx_zip
from reviewer.ingest.text import is_section_heading

log = logging.getLogger(__name__)

MAX_SPAN = 64  # gridSpan beyond any real table: treat as corrupt data, cap it
_NS = {"w": nsmap["w"], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# Text-bearing run content; mc:Fallback repeats what mc:Choice already holds (text boxes).
_TEXT_NODES = etree.XPath(
    ".//w:t[not(ancestor::mc:Fallback)] | .//w:tab[not(ancestor::w:tabs)][not(ancestor::mc:Fallback)]"
    " | .//w:br[not(ancestor::mc:Fallback)] | .//w:cr[not(ancestor::mc:Fallback)]",
    namespaces=_NS,
)
_HEADING_NAME_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_VAL = qn("w:val")
_TCPR, _TRPR, _VMERGE, _SDT_CONTENT = qn("w:tcPr"), qn("w:trPr"), qn("w:vMerge"), qn("w:sdtContent")
_BR_TYPE = qn("w:type")
_GRID_SPAN, _GRID_BEFORE = qn("w:gridSpan"), qn("w:gridBefore")


_PARAGRAPH_TAG = re.compile(r"<(?:\w+:)?p[\s>/]")
_CELL_TAG = re.compile(r"<(?:\w+:)?tc[\s>/]")
_TABLE_TAG = re.compile(r"<(/?)(?:\w+:)?tbl(/?)[\s>/]")
MAX_TABLE_NESTING = 16  # a table in a cell in a table …: real reports nest two or three deep


def _table_nesting(body: str) -> int:
    depth = deepest = 0
    for m in _TABLE_TAG.finditer(body):
        if m.group(1):
            depth = max(depth - 1, 0)
        elif not m.group(2):  # <w:tbl/> opens nothing
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _precount(zf) -> None:
    """Paragraphs and cells of the main part counted in its text before python-docx builds a tree."""
    from reviewer.ingest.limits import check_counts
    from reviewer.ingest.safety import part_encoding

    raw = zf.read("word/document.xml")  # size vetted by open_docx_zip
    body = raw.decode(part_encoding(raw[:512]), errors="replace")
    nesting = _table_nesting(body)
    if nesting > MAX_TABLE_NESTING:
        raise InputError(errors.MALICIOUS, f"表格嵌套过深（{nesting} 层，上限 {MAX_TABLE_NESTING} 层），疑似恶意构造",
                         f"tables nested {nesting} deep (limit {MAX_TABLE_NESTING}): a malicious construction")
    check_counts(paragraphs=len(_PARAGRAPH_TAG.findall(body)), cells=len(_CELL_TAG.findall(body)))


def vet_docx(data: bytes) -> None:
    """Every check that needs no XML parse (container, entities, bombs, nesting, counts): the
    reader runs it first and the upload runs it before anything is stored."""
    with open_docx_zip(data) as zf:
        _precount(zf)


def read_docx(data: bytes, filename: str) -> Document:
    vet_docx(data)
    import docx

    try:
        wd = docx.Document(io.BytesIO(data))
    except Exception as exc:  # PackageNotFoundError, KeyError, XMLSyntaxError …
        if isinstance(exc, tuple(errors.INTERRUPTS)):
            raise
        log.debug("python-docx cannot open %s", filename, exc_info=True)  # details for maintainers only
        raise InputError(errors.CORRUPT, "Word 文件已损坏，无法读取正文",
                         "the Word document is damaged and its text cannot be read") from exc
    levels = _heading_styles(wd)
    builder = DocumentBuilder()
    _walk(wd.element.body, builder, levels)
    doc = builder.build(filename, "docx")
    if not doc.text.strip():
        raise InputError(errors.EMPTY, "Word 文件没有正文内容", "the .docx has no text")
    return doc


def _heading_styles(wd) -> dict[str, int]:
    """style id → heading level, from style names (Heading N / 标题 N / Title) or outline level."""
    out: dict[str, int] = {}
    root = wd.styles.element
    for st in root.iterchildren(qn("w:style")):
        if st.get(qn("w:type")) != "paragraph":
            continue
        sid = st.get(qn("w:styleId")) or ""
        name_el = st.find(qn("w:name"))
        name = (name_el.get(_VAL) if name_el is not None else "") or ""
        m = _HEADING_NAME_RE.match(name.strip())
        if m:
            out[sid] = int(m.group(1))
        elif name.strip().lower() in ("title", "标题"):
            out[sid] = 1
        else:
            lvl = st.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if lvl is not None and (lvl.get(_VAL) or "9").isdigit() and int(lvl.get(_VAL)) < 9:
                out[sid] = int(lvl.get(_VAL)) + 1
    return out


def _walk(parent, builder: DocumentBuilder, levels: dict[str, int], top: int | None = None) -> None:
    """``top``: index of the enclosing body child, recorded as ``Block.source_index``."""
    for i, el in enumerate(parent):
        index = i if top is None else top
        if el.tag == _P:
            _paragraph(el, builder, levels, index)
        elif el.tag == _TBL:
            builder.add_table(_grid(el)).source_index = index
        elif el.tag == _SDT:  # content control: its content is ordinary body content
            content = el.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, builder, levels, index)


def _paragraph(p, builder: DocumentBuilder, levels: dict[str, int], index: int) -> None:
    level = _paragraph_level(p, levels)
    # a manual line break (w:br) starts a new line, as it does in the .txt export
    for line in _text(p).split("\n"):
        line = line.strip()
        if not line:
            continue
        if level is not None:
            block = builder.add_text("heading", line, level=level)
        elif is_section_heading(line):
            block = builder.add_text("heading", line, level=1)
        else:
            block = builder.add_text("paragraph", line)
        block.source_index = index


def _paragraph_level(p, levels: dict[str, int]) -> int | None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        return None
    lvl = ppr.find(qn("w:outlineLvl"))
    if lvl is not None and (lvl.get(_VAL) or "").isdigit() and int(lvl.get(_VAL)) < 9:
        return int(lvl.get(_VAL)) + 1
    style = ppr.find(qn("w:pStyle"))
    return levels.get(style.get(_VAL)) if style is not None else None


def _text(el) -> str:
    parts = []
    for node in _TEXT_NODES(el):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append(" ")
        elif tag == _BR and node.get(_BR_TYPE) == "page":
            continue
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    """Paragraphs joined by newlines; a nested table contributes its rows as lines."""
    lines: list[str] = []
    for el in tc.iterchildren():
        if el.tag == _P:
            lines.extend(_text(el).split("\n"))
        elif el.tag == _TBL:
            for row in _grid(el):
                lines.append(" ".join(t for t, origin in row if origin is None and t))
        elif el.tag == _SDT:
            content = el.find(_SDT_CONTENT)
            if content is not None:
                lines.append(_cell_text(content))
    return "\n".join(s for s in (line.strip() for line in lines) if s)


def int_attr(pr, tag: str, default: int) -> int:
    """An integer ``w:val`` of child ``tag`` (a Clark name) of a properties element."""
    if pr is None:
        return default
    el = pr.find(tag)
    val = el.get(_VAL) if el is not None else None
    return int(val) if val and val.isdigit() else default


def row_cells(tr):
    """The ``w:tc`` of a row, including those wrapped in a content control."""
    for el in tr.iterchildren():
        if el.tag == _TC:
            yield el
        elif el.tag == _SDT:  # a content control wrapping cells
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(_TC)


def _grid(tbl) -> list[list[tuple[str, tuple[int, int] | None]]]:
    """Expand gridSpan/vMerge: ``grid[r][c] = (text, merged_from)``."""
    grid: list[list[tuple[str, tuple[int, int] | None]]] = []
    for tr in tbl.iterchildren(_TR):
        r = len(grid)
        row: list[tuple[str, tuple[int, int] | None]] = []
        before = min(int_attr(tr.find(_TRPR), _GRID_BEFORE, 0), MAX_SPAN)
        row.extend(("", None) for _ in range(before))
        for tc in row_cells(tr):
            tc_pr = tc.find(_TCPR)
            span = max(1, min(int_attr(tc_pr, _GRID_SPAN, 1), MAX_SPAN))
            vmerge = tc_pr.find(_VMERGE) if tc_pr is not None else None
            c = len(row)
            origin = None
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and r:
                above = grid[r - 1]
                if c < len(above):
                    text, mf = above[c]
                    origin = mf or (r - 1, c)
            if origin is not None:
                text = grid[origin[0]][origin[1]][0]
                row.extend((text, origin) for _ in range(span))
            else:
                row.append((_cell_text(tc), None))
                row.extend((row[c][0], (r, c)) for _ in range(span - 1))
        grid.append(row)
    return grid
