"""The draft as one searchable stream, whatever layout its tables arrived in.

Tables come as real grids (docx/html/md), as one cell per line (flattened txt),
as digits run together in a paragraph (crawled pages), or as fragments with
labels apart from their values (PDF extraction). Extraction reads all of them
from one string: paragraphs as folded text, table rows introduced by ROW and
cells by CELL markers, every character mapped back to its offset in
``Document.text`` and its block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.document import Document
from reviewer.extract.textnorm import fold

ROW = "\ue000"  # private-use characters: never in a draft, never whitespace
CELL = "\ue001"
MARKERS = ROW + CELL


@dataclass
class Stream:
    text: str
    pos: list[int]  # original offset per character; -1 for markers and separators
    block: list[int]  # index into doc.blocks per character
    doc: Document
    structured: list[bool] = field(default_factory=list)  # per character: inside a table block

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Original span of stream range [start, end), ignoring markers."""
        first = next((self.pos[i] for i in range(start, end) if self.pos[i] >= 0), None)
        last = next((self.pos[i] for i in range(end - 1, start - 1, -1) if self.pos[i] >= 0), None)
        if first is None or last is None:
            return None
        return first, last + 1

    def block_id(self, index: int) -> str | None:
        if 0 <= index < len(self.block) and self.block[index] >= 0:
            return self.doc.blocks[self.block[index]].id
        return None

    def offset_of(self, doc_offset: int) -> int:
        """First stream index at or after an original offset."""
        for i, p in enumerate(self.pos):
            if p >= doc_offset:
                return i
        return len(self.pos)


def build_stream(doc: Document) -> Stream:
    parts: list[str] = []
    pos: list[int] = []
    blk: list[int] = []
    structured: list[bool] = []

    def put(s: str, start: int | None, b: int, table: bool) -> None:
        parts.append(s)
        if start is None:
            pos.extend([-1] * len(s))
        else:
            pos.extend(range(start, start + len(s)))
        blk.extend([b] * len(s))
        structured.extend([table] * len(s))

    for b, block in enumerate(doc.blocks):
        if block.kind == "table" and block.table is not None:
            for row in block.table.rows:
                put(ROW, None, b, True)
                for cell in row:
                    if cell.is_copy:
                        continue
                    put(CELL, None, b, True)
                    if cell.span is not None:
                        s, e = cell.span
                        put(fold(doc.text[s:e]), s, b, True)
                    else:
                        put(fold(cell.text), None, b, True)
            put(ROW + "\n", None, b, True)
        else:
            s, e = block.span
            put(fold(doc.text[s:e]), s, b, False)
            put("\n", None, b, False)
    return Stream("".join(parts), pos, blk, doc, structured)
