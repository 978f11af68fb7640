"""Document: the one shape every input format is read into.

A Document is the draft's text plus an ordered list of blocks (heading,
paragraph, table). ``Document.text`` is the canonical rendering that every
character span points into:

* for .txt/.md it is the decoded file (BOM removed, CRLF/CR folded to LF), so a
  span is also a position in what the author sent;
* for .docx/.html it is the text rendering the ingester builds: blocks separated
  by ``\\n``, table rows by ``\\n`` and cells by ``\\t``.

Block ids (``b0``, ``b1`` …) are assigned in document order and are stable for
the same input bytes, so findings, the annotated renderers and the store can
refer to them.
"""

from __future__ import annotations

from typing import Iterator, Literal

from pydantic import BaseModel, Field, PrivateAttr

BlockKind = Literal["heading", "paragraph", "table"]


class Cell(BaseModel):
    """One position of a table's grid.

    Merged cells are expanded into every grid position they cover; the copies
    have ``merged_from`` set to the (row, col) of the origin cell and repeat its
    text, so a label spanning three rows labels each of them.
    """

    text: str
    row: int
    col: int
    span: tuple[int, int] | None = None
    merged_from: tuple[int, int] | None = None
    page: int | None = None  # PDF input: 1-based page and the cell's box (x0, top, x1, bottom) in points
    bbox: tuple[float, float, float, float] | None = None

    @property
    def is_copy(self) -> bool:
        return self.merged_from is not None


class Table(BaseModel):
    rows: list[list[Cell]] = Field(default_factory=list)

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row


class Block(BaseModel):
    id: str
    kind: BlockKind
    text: str
    span: tuple[int, int]
    level: int | None = None  # heading level, when known
    table: Table | None = None
    # Where the block came from in the source container, for renderers that write
    # back into it: for .docx the index of the body element (w:p / w:tbl) among the
    # body's children, e.g. 12; None for text formats.
    source_index: int | None = None
    page: int | None = None  # PDF input: the page the block starts on and its box there
    bbox: tuple[float, float, float, float] | None = None


class Document(BaseModel):
    source: str
    media_type: Literal["txt", "docx", "html", "md", "pdf", "doc", "wps", "rtf", "odt"]
    text: str
    blocks: list[Block] = Field(default_factory=list)
    encoding: str | None = None
    warnings: list[str] = Field(default_factory=list)  # ingest notes (e.g. encoding guessed)
    # PDF input: (page, x0, top, x1, bottom) of each character of ``text`` (None for separators);
    # kept out of the serialised model, it is rebuilt by reading the PDF again
    _char_boxes: list | None = PrivateAttr(default=None)

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)

    def tables(self) -> Iterator[Block]:
        return (b for b in self.blocks if b.kind == "table")


class DocumentBuilder:
    """Builds ``Document.text`` and blocks together so spans stay consistent.

    Used by ingesters whose text rendering is constructed (docx, html); txt/md
    ingesters index the original text directly.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self.blocks: list[Block] = []

    def _append(self, s: str) -> tuple[int, int]:
        start = self._pos
        self._parts.append(s)
        self._pos += len(s)
        return start, self._pos

    def _sep(self) -> None:
        if self._pos:
            self._append("\n")

    def add_text(self, kind: BlockKind, text: str, level: int | None = None) -> Block:
        self._sep()
        span = self._append(text)
        block = Block(id=f"b{len(self.blocks)}", kind=kind, text=text, span=span, level=level)
        self.blocks.append(block)
        return block

    def add_table(self, grid: list[list[tuple[str, tuple[int, int] | None]]]) -> Block:
        """``grid[r][c] = (text, merged_from)``; merged copies are not re-rendered."""
        self._sep()
        start = self._pos
        first_part = len(self._parts)  # the table's text is joined from here: not the whole text per table
        rows: list[list[Cell]] = []
        for r, row in enumerate(grid):
            if r:
                self._append("\n")
            cells: list[Cell] = []
            for c, (text, merged_from) in enumerate(row):
                if c:
                    self._append("\t")
                if merged_from is None:
                    span = self._append(text)
                    cells.append(Cell(text=text, row=r, col=c, span=span))
                else:
                    cells.append(Cell(text=text, row=r, col=c, merged_from=merged_from))
            rows.append(cells)
        # copies point at their origin's span so every grid position is locatable
        for row in rows:
            for cell in row:
                if cell.merged_from is not None:
                    r0, c0 = cell.merged_from
                    cell.span = rows[r0][c0].span
        text = "".join(self._parts[first_part:])
        block = Block(id=f"b{len(self.blocks)}", kind="table", text=text,
                      span=(start, self._pos), table=Table(rows=rows))
        self.blocks.append(block)
        return block

    def build(self, source: str, media_type: str, encoding: str | None = None) -> Document:
        return Document(source=source, media_type=media_type, text="".join(self._parts),
                        blocks=self.blocks, encoding=encoding)
