"""The draft as one searchable stream, whatever layout its tables arrived in.

Tables come as real grids (docx/html/md), as one cell per line (flattened txt),
as digits run together in a paragraph (crawled pages), or as fragments with
labels apart from their values (PDF extraction). Extraction reads all of them
from one string: paragraphs as folded text, table rows introduced by ROW and
cells by CELL markers. The stream is a sequence of segments, each copied from
one place of ``Document.text`` (or a marker), so any stream position maps back
to its original offset and block.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from reviewer.document import Document
from reviewer.extract.textnorm import fold

ROW = "\ue000"  # private-use characters: never in a draft, never whitespace
CELL = "\ue001"
MARKERS = ROW + CELL


@dataclass
class Stream:
    text: str
    doc: Document
    starts: list[int]  # stream offset where each segment starts
    origins: list[int]  # its offset in Document.text, or -1 for markers
    blocks: list[int]  # index into doc.blocks
    tables: list[bool]  # the segment is part of a table block

    def _seg(self, index: int) -> int:
        return bisect_right(self.starts, index) - 1

    def pos(self, index: int) -> int:
        """Original offset of stream character ``index``; -1 for markers."""
        seg = self._seg(index)
        origin = self.origins[seg]
        return -1 if origin < 0 else origin + index - self.starts[seg]

    def structured(self, index: int) -> bool:
        return self.tables[self._seg(index)]

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Original span of stream range [start, end), ignoring markers."""
        seg = self._seg(start)
        seg_end = self.starts[seg + 1] if seg + 1 < len(self.starts) else len(self.text)
        if self.origins[seg] >= 0 and end <= seg_end:  # the usual case: inside one segment
            base = self.origins[seg] - self.starts[seg]
            return base + start, base + end
        first = next((p for p in map(self.pos, range(start, end)) if p >= 0), None)
        last = next((p for p in map(self.pos, range(end - 1, start - 1, -1)) if p >= 0), None)
        if first is None or last is None:
            return None
        return first, last + 1

    def block_id(self, index: int) -> str | None:
        if 0 <= index < len(self.text):
            return self.doc.blocks[self.blocks[self._seg(index)]].id
        return None

    def offset_of(self, doc_offset: int) -> int:
        """First stream index at or after an original offset."""
        for seg, origin in enumerate(self.origins):
            if origin < 0:
                continue
            length = (self.starts[seg + 1] if seg + 1 < len(self.starts) else len(self.text)) - self.starts[seg]
            if doc_offset < origin + length:
                return self.starts[seg] + max(0, doc_offset - origin)
        return len(self.text)


def build_stream(doc: Document) -> Stream:
    parts: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    blocks: list[int] = []
    tables: list[bool] = []
    length = 0

    def put(s: str, origin: int, b: int, table: bool) -> None:
        nonlocal length
        parts.append(s)
        starts.append(length)
        origins.append(origin)
        blocks.append(b)
        tables.append(table)
        length += len(s)

    text = doc.text
    for b, block in enumerate(doc.blocks):
        if block.kind == "table" and block.table is not None:
            for row in block.table.rows:
                put(ROW, -1, b, True)
                for cell in row:
                    if cell.is_copy:
                        continue
                    if cell.span is not None:
                        s, e = cell.span
                        put(CELL, -1, b, True)
                        put(fold(text[s:e]), s, b, True)
                    else:
                        put(CELL + fold(cell.text), -1, b, True)
            put(ROW + "\n", -1, b, True)
        else:
            s, e = block.span
            put(fold(text[s:e]), s, b, False)
            put("\n", -1, b, False)
    return Stream("".join(parts), doc, starts, origins, blocks, tables)
