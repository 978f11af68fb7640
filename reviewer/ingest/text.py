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


# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((b"\xef\xbb\xbf", "utf-8", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"), (b"\xff\xfe", "utf-16-le", "utf-16"),
         (b"\xfe\xff", "utf-16-be", "utf-16"))


def bom_only(data: bytes) -> bool:
    """The file is a byte-order mark and at most whitespace: empty, whatever its name."""
    for bom, enc, _label in _BOMS:
        if data.startswith(bom):
            try:
                return not data[len(bom):].decode(enc).replace("\ufeff", "").strip()
            except UnicodeDecodeError:
                return False
    return False


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding): UTF-8/16/32 with a BOM, UTF-16/32 without one, UTF-8, GB18030, Big5."""
    for bom, enc, label in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], enc), label
    if b"\x00" in data[:8192]:
        found = _unicode_without_bom(data)
        if found is None:
            raise InputError(errors.BINARY, "文件不是文本（含二进制数据）", "the file is binary, not text")
        return found
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    legacy = _chinese_legacy(data)
    if legacy is not None:
        return legacy
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding and _looks_like_text(str(best)):
        return data.decode(best.encoding, errors="replace"), best.encoding
    raise InputError(errors.ENCODING, "无法识别文件编码，请以 UTF-8 或 GB18030 保存",
                     "unknown text encoding; save as UTF-8 or GB18030")


def _unicode_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-32 or UTF-16 without a BOM: where the zero bytes of ASCII characters (digits, line
    breaks) fall says which; the text must then read as text."""
    head = data[:8192]
    for enc, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        if len(data) % unit:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and _plain_share(text[:20000]) > 0.95 and _zeros_fit(head, enc):
            return text, enc
    return None


def _zeros_fit(head: bytes, enc: str) -> bool:
    """UTF-16-LE text has the zero bytes of its ASCII at odd offsets, BE at even ones (UTF-32: 2–3 of 4)."""
    zeros = [i for i, b in enumerate(head) if b == 0]
    if enc.startswith("utf-32"):
        return len(zeros) * 2 >= len(head)  # every character has at least one zero byte
    odd = sum(i % 2 for i in zeros)  # a CJK character may have a zero byte too (一 is U+4E00): a clear majority
    return (odd if enc.endswith("le") else len(zeros) - odd) >= 0.9 * len(zeros)


def _plain_share(text: str) -> float:
    """Share of characters a Chinese report is written in (CJK, CJK punctuation, ASCII, full-width)."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch in "\t\r\n" or " " <= ch <= "~" or "\u3000" <= ch <= "\u303f"
               or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’—…·《》")
    return good / len(text)


def _chinese_legacy(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5 (cp950). GB18030 decodes almost any bytes, so when both decode the
    one whose characters are the frequent ones of its own standard wins."""
    found = []
    for enc in ("gb18030", "cp950"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            found.append((enc, text))
    if not found:
        return None
    if len(found) == 1:
        return found[0][1], found[0][0]
    (_, gb), (_, b5) = found
    return (b5, "big5") if _frequent_share(b5, "cp950") > _frequent_share(gb, "gb2312") else (gb, "gb18030")


# Lead bytes of punctuation and of the frequent characters: GB2312 level 1 (B0–D7), Big5 常用字 (A4–C6).
_FREQUENT_LEAD = {"gb2312": (range(0xA1, 0xA4), range(0xB0, 0xD8)), "cp950": (range(0xA1, 0xA4), range(0xA4, 0xC7))}


def _frequent_share(text: str, enc: str) -> float:
    wide = [ch for ch in text[:20000] if ord(ch) > 0x7F]
    if not wide:
        return 0.0
    leads = _FREQUENT_LEAD[enc]
    hits = 0
    for ch in wide:
        try:
            b = ch.encode(enc)
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and any(b[0] in r for r in leads):
            hits += 1
    return hits / len(wide)


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(errors.ENCODING, f"文件编码声明为 {enc} 但内容无法按该编码解码",
                         f"declared {enc} but bytes do not decode") from exc


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text[:20000] if (ord(ch) < 32 and ch not in "\t\r\n\f\v") or ch == "\ufffd")
    return bad / min(len(text), 20000) < 0.01


_BREAK_RUN = re.compile(r"[\r\n\f\v]+")


def _breaks(run: re.Match) -> str:
    """One run of line-break characters → as many ``\n`` as the lines it ends. With a ``\n`` in
    the run, each ``\n`` is one break and a ``\r`` beside it belongs to it (``\r\n``, and the
    ``\r\r\n`` and ``\n\r`` of converted files); without one, each ``\r`` is a break (old Mac
    files); a form feed or vertical tab is a break only when nothing else ends the line there."""
    s = run.group()
    n = s.count("\n") or s.count("\r") or len(s)
    return "\n" * n


def normalise_newlines(text: str) -> str:
    if "\r" not in text and "\f" not in text and "\v" not in text:
        return text
    return _BREAK_RUN.sub(_breaks, text)


def read_text(data: bytes, filename: str) -> Document:
    text, encoding = decode(data)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(errors.EMPTY, "文件为空", "the file is empty")
    if not _looks_like_text(text):
        raise InputError(errors.BINARY, "文件不是文本（含大量控制字符）", "the file is not text")
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
_PAGE_NUMBER = re.compile(r"^[ \u3000]*(?:[—–\-－]{1,2}[ \u3000]*\d{1,3}[ \u3000]*[—–\-－]{1,2}|"
                          r"第[ \u3000]*\d{1,3}[ \u3000]*页(?:[ \u3000]*[/，,]?[ \u3000]*共[ \u3000]*\d{1,3}[ \u3000]*页)?)[ \u3000]*$", re.M)


def is_page_number(line: str) -> bool:
    head = line.lstrip()[:1]
    return head in ("—", "–", "-", "－", "第") and bool(_PAGE_NUMBER.match(line))  # the cheap test first


def page_number_lines(text: str) -> frozenset[int]:
    """Start offsets of the lines that are page numbers (one search over the text, not one per line)."""
    return frozenset(m.start() for m in _PAGE_NUMBER.finditer(text))


def split_blocks(text: str, base: int = 0) -> list[Block]:
    from reviewer.ingest.limits import check_counts

    check_counts(paragraphs=text.count("\n"))  # before a block is built
    blocks: list[Block] = []
    lines = _lines(text)
    pages = page_number_lines(text)
    i = 0
    while i < len(lines):
        s, e = lines[i]
        line = text[s:e]
        if line.startswith("\t"):
            j = _table_end(text, lines, i, pages)
            blocks.append(_flattened_table(text, lines[i:j], len(blocks), base, pages))
            i = j
            continue
        if line.strip() and s not in pages:
            kind = "heading" if is_section_heading(line) else "paragraph"
            lead = len(line) - len(line.lstrip())
            trail = len(line.rstrip())
            blocks.append(Block(id=f"b{len(blocks)}", kind=kind, text=line.strip(),
                                span=(base + s + lead, base + s + trail), level=1 if kind == "heading" else None))
        i += 1
    return blocks


def _table_end(text: str, lines: list[tuple[int, int]], i: int, pages: frozenset[int] = frozenset()) -> int:
    blank_run = 0
    j = i
    tabbed_row = False  # the previous line is a tab-separated row (pasted from a spreadsheet), not one cell
    while j < len(lines):
        s, e = lines[j]
        line = text[s:e]
        if s in pages:  # a page break inside the table: neither a row nor its end
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
        tabbed_row = "\t" in line and (not line.startswith("\t") or "\t" in line[1:])
        j += 1
    while j > i and not text[lines[j - 1][0]:lines[j - 1][1]].strip() and not text[lines[j - 1][0]:lines[j - 1][1]].startswith("\t"):
        j -= 1
    return j


def _flattened_table(text: str, lines: list[tuple[int, int]], index: int, base: int,
                     pages: frozenset[int] = frozenset()) -> Block:
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
        if s in pages:
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
