""".md drafts: lines as paragraphs, ``#`` headings, pipe tables.

``Document.text`` is the decoded file itself, so every span (paragraph, heading
text, table cell) points at what the author sent. Markdown produced from PDFs
breaks one table into fragments, each a header row plus a ``|---|`` delimiter
row; every fragment becomes its own table block, and rows keep the number of
cells they were written with — padding or merging them would be guessing.
"""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.document import Block, Cell, Document, Table
from reviewer.errors import InputError
from reviewer.ingest.text import decode, is_page_number, is_section_heading, normalise_newlines

_HEADING_RE = re.compile(r"^(\s{0,3})(#{1,6})\s+(.*?)\s*#*\s*$")
_DELIM_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_PIPE_RE = re.compile(r"(?<!\\)\|")


def read_markdown(data: bytes, filename: str) -> Document:
    text, encoding = decode(data)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(errors.EMPTY, "文件为空", "the file is empty")
    return Document(source=filename, media_type="md", text=text, encoding=encoding, blocks=split_markdown(text))


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|") and line.count("|") >= 2


def _is_delim(line: str) -> bool:
    return "-" in line and bool(_DELIM_RE.match(line))


def split_markdown(text: str) -> list[Block]:
    from reviewer.ingest.limits import check_counts

    lines_count = text.count("\n")
    # a row of n cells has n + 1 pipes: over-counts cells, never under-counts them by much
    check_counts(paragraphs=lines_count, cells=max(0, text.count("|") - 2 * (lines_count + 1)))
    blocks: list[Block] = []
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        start, line = lines[i]
        if _is_row(line) or (_is_delim(line) and "|" in line):
            j = i
            while j < len(lines) and (_is_row(lines[j][1]) or (_is_delim(lines[j][1]) and "|" in lines[j][1])):
                j += 1
            for fragment in _fragments(lines[i:j]):
                blocks.append(_table(fragment, len(blocks)))
            i = j
            continue
        m = _HEADING_RE.match(line)
        if m and m.group(3):
            s = start + m.start(3)
            blocks.append(Block(id=f"b{len(blocks)}", kind="heading", text=m.group(3),
                                span=(s, s + len(m.group(3))), level=len(m.group(2))))
        elif line.strip() and not is_page_number(line):
            lead = len(line) - len(line.lstrip())
            content = line.strip()
            kind = "heading" if is_section_heading(content) else "paragraph"
            blocks.append(Block(id=f"b{len(blocks)}", kind=kind, text=content,
                                span=(start + lead, start + lead + len(content)),
                                level=1 if kind == "heading" else None))
        i += 1
    return blocks


def _fragments(run: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Split a run of pipe lines where a header row + delimiter row starts a new table."""
    out: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for k, (start, line) in enumerate(run):
        starts_table = k + 1 < len(run) and _is_delim(run[k + 1][1]) and not _is_delim(line)
        if starts_table and any(not _is_delim(l) for _, l in current):
            out.append(current)
            current = []
        current.append((start, line))
    if current:
        out.append(current)
    return [f for f in out if any(not _is_delim(l) for _, l in f)]


def _table(fragment: list[tuple[int, str]], index: int) -> Block:
    rows: list[list[Cell]] = []
    for start, line in fragment:
        if _is_delim(line):
            continue
        cells = []
        bounds = [m.start() for m in _PIPE_RE.finditer(line)]
        if not line.lstrip().startswith("|"):
            bounds.insert(0, -1)
        if not bounds or bounds[-1] != len(line.rstrip()) - 1:  # no closing pipe
            bounds.append(len(line))
        for c, (a, b) in enumerate(zip(bounds, bounds[1:])):
            raw = line[a + 1:b]
            lead = len(raw) - len(raw.lstrip())
            content = raw.strip()
            s = start + a + 1 + lead
            cells.append(Cell(text=content, row=len(rows), col=c, span=(s, s + len(content))))
        rows.append(cells)
    first, last = fragment[0], fragment[-1]
    span = (first[0] + len(first[1]) - len(first[1].lstrip()), last[0] + len(last[1].rstrip()))
    text = "\n".join(line for _, line in fragment)
    return Block(id=f"b{index}", kind="table", text=text[span[0] - first[0]:span[1] - first[0]],
                 span=span, table=Table(rows=rows))
