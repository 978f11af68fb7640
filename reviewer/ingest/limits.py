"""What one draft may contain: paragraphs, table cells, numbers.

A real annual report has a few hundred paragraphs, about 300 table cells and a
few hundred numbers. The limits sit two orders of magnitude above that, and are
checked right after parsing — before extraction, the work that grows with the
draft — so a hostile upload costs a parse and no more. Each ends in
``input.too_large`` with the count and the limit (settings ``REVIEWER_MAX_*``).
"""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.document import Document
from reviewer.errors import InputError

_NUMBER_RE = re.compile(r"[0-9０-９]+")


def _refuse(what_zh: str, what_en: str, count: int, limit: int, env: str) -> InputError:
    return InputError(errors.TOO_LARGE,
                      f"草稿内容过多：{what_zh}共 {count} 个，上限为 {limit} 个；请检查是否提交了正确的文件",
                      f"draft too large: {count} {what_en} (limit {limit}, {env})")


def check_document(doc: Document) -> None:
    """Raise ``input.too_large`` when the parsed draft exceeds a limit."""
    from reviewer.settings import get_settings

    s = get_settings()
    paragraphs = cells = 0
    for block in doc.blocks:
        if block.table is not None:
            cells += sum(len(row) for row in block.table.rows)
            if cells > s.max_table_cells:
                raise _refuse("表格单元格", "table cells", cells, s.max_table_cells, "REVIEWER_MAX_TABLE_CELLS")
        else:
            paragraphs += 1
    if paragraphs > s.max_paragraphs:
        raise _refuse("段落（行）", "paragraphs", paragraphs, s.max_paragraphs, "REVIEWER_MAX_PARAGRAPHS")
    numbers = count_numbers(doc.text, s.max_numbers)
    if numbers > s.max_numbers:
        raise _refuse("数字", "numbers", numbers, s.max_numbers, "REVIEWER_MAX_NUMBERS")


def count_numbers(text: str, stop_after: int) -> int:
    """Digit runs in ``text``, counting no further than ``stop_after`` + 1."""
    n = 0
    for _ in _NUMBER_RE.finditer(text):
        n += 1
        if n > stop_after:
            break
    return n


def check_counts(paragraphs: int = 0, cells: int = 0) -> None:
    """For a reader that can count cheaply before it builds blocks (lines of a text, pipes of a
    Markdown table, ``<w:p>`` of a .docx): refuse early what ``check_document`` would refuse later."""
    from reviewer.settings import get_settings

    s = get_settings()
    if cells > s.max_table_cells:
        raise _refuse("表格单元格", "table cells", cells, s.max_table_cells, "REVIEWER_MAX_TABLE_CELLS")
    if paragraphs > s.max_paragraphs + s.max_table_cells:  # a flattened table has one line per cell
        raise _refuse("段落（行）", "paragraphs", paragraphs, s.max_paragraphs, "REVIEWER_MAX_PARAGRAPHS")
