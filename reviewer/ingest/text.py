""".txt drafts: decoding, and Word tables a converter flattened to one cell per line.

The flattened layout (as in the wuhai sample) starts every cell with a tab; a
cell whose text had line breaks continues on lines without a tab; a blank line
ends a row; two blank lines end the table. Everything else is a paragraph, one
per line. Spans index into the decoded text itself.
"""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.document import Block, Cell, Document, Table
from reviewer.errors import InputError

_HEADING_RE = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S.{0,38}$")


def is_section_heading(line: str) -> bool:
    """A short outline-numbered line such as “一、总体情况” (shared by every ingester)."""
    return bool(_HEADING_RE.match(line))


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 (with or without BOM), UTF-16 with BOM, GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise InputError(errors.BINARY, "文件不是文本（含二进制数据）", "the file is binary, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_like_text(text):
        return text, "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding and _looks_like_text(str(best)):
        return data.decode(best.encoding, errors="replace"), best.encoding
    raise InputError(errors.ENCODING, "无法识别文件编码，请以 UTF-8 或 GB18030 保存",
                     "unknown text encoding; save as UTF-8 or GB18030")


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(errors.ENCODING, f"文件编码声明为 {enc} 但内容无法按该编码解码",
                         f"declared {enc} but bytes do not decode") from exc


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    return bad / min(len(text), 20000) < 0.01


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(data: bytes, filename: str) -> Document:
    text, encoding = decode(data)
    text = normalise_newlines(text)
    if not _looks_like_text(text):
        raise InputError(errors.BINARY, "文件不是文本（含大量控制字符）", "the file is not text")
    if not text.strip():
        raise InputError(errors.EMPTY, "文件为空", "the file is empty")
    doc = Document(source=filename, media_type="txt", text=text, encoding=encoding)
    doc.blocks = split_blocks(text)
    return doc


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, end excluding the newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


# A page number an export left in the text (“— 3 —”, “- 12 -”, “第 3 页 共 8 页”): page furniture, not
# content; inside a table it would read as a cell. Dashes on both sides: a bare “3” is a cell.
_PAGE_NUMBER = re.compile(r"^\s*(?:[—–\-－]{1,2}\s*\d{1,3}\s*[—–\-－]{1,2}|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?)\s*$")


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def split_blocks(text: str, base: int = 0) -> list[Block]:
    blocks: list[Block] = []
    lines = _lines(text)
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        if line.startswith("\t"):
            j = _table_end(text, lines, i)
            blocks.append(_flattened_table(text, lines[i:j], len(blocks), base))
            i = j
            continue
        if line.strip() and not is_page_number(line):
            kind = "heading" if is_section_heading(line) else "paragraph"
            lead = len(line) - len(line.lstrip())
            trail = len(line.rstrip())
            blocks.append(Block(id=f"b{len(blocks)}", kind=kind, text=line.strip(),
                                span=(base + s + lead, base + s + trail), level=1 if kind == "heading" else None))
        i += 1
    return blocks


def _table_end(text: str, lines: list[tuple[int, int]], i: int) -> int:
    blank_run = 0
    j = i
    tabbed_row = False  # the previous line is a tab-separated row (pasted from a spreadsheet), not one cell
    while j < len(lines):
        s, e = lines[j]
        line = text[s:e]
        if is_page_number(line):  # a page break inside the table: neither a row nor its end
            j += 1
            continue
        if not line.strip() and not line.startswith("\t"):
            blank_run += 1
            if blank_run >= 2:
                break
        elif line.startswith("\t"):
            blank_run = 0
        elif blank_run:  # a plain line after a blank line: the table is over
            break
        elif tabbed_row and "\t" not in line:
            break  # a line without a tab after tab-separated rows is the text after the table, not a cell's tail
        tabbed_row = line.count("\t") >= 2 or ("\t" in line and not line.startswith("\t"))
        j += 1
    while j > i and not text[lines[j - 1][0]:lines[j - 1][1]].strip() and not text[lines[j - 1][0]:lines[j - 1][1]].startswith("\t"):
        j -= 1
    return j


def _flattened_table(text: str, lines: list[tuple[int, int]], index: int, base: int) -> Block:
    rows: list[list[Cell]] = []
    row: list[list[int]] = []  # per cell: [start, end]

    def flush() -> None:
        if row:
            cells = []
            for c, (s, e) in enumerate(row):
                raw = text[s:e]
                cells.append(Cell(text=raw.strip(), row=len(rows), col=c, span=_trim(raw, s, base)))
            rows.append(cells)
            row.clear()

    for s, e in lines:
        line = text[s:e]
        if is_page_number(line):
            continue
        if line.startswith("\t"):
            row.append([s + 1, e])
        elif not line.strip():
            flush()
        elif row:  # continuation of the previous cell
            row[-1][1] = e
    flush()
    start = base + lines[0][0]
    end = base + lines[-1][1]
    return Block(id=f"b{index}", kind="table", text=text[lines[0][0]:lines[-1][1]],
                 span=(start, end), table=Table(rows=rows))


def _trim(raw: str, s: int, base: int) -> tuple[int, int]:
    lead = len(raw) - len(raw.lstrip())
    stripped = raw.strip()
    start = base + s + lead
    return (start, start + len(stripped))
