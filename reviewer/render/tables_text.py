"""`reviewer review --show-tables`: the tables as the reviewer read them (Review.report.cells).

Printed with the format declaration's own row and column labels, so a user can compare
them with the draft cell by cell: “—” is a cell that was present but unreadable,
“*” a value recovered from the table's relations (digits that had run together).
"""

from __future__ import annotations

import unicodedata

from reviewer.findings import Review
from reviewer.formats import FORMATS, GOV_2021
from reviewer.formats.model import TableSpec


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(s))
    return fill + s if right else s + fill


def _spec(table_id: str, keys: set[str], preferred: str | None) -> TableSpec | None:
    order = [FORMATS.get(preferred or "", GOV_2021), *FORMATS.values()]
    for fmt in order:
        spec = next((t for t in fmt.tables if t.id == table_id), None)
        if spec and all(k in {f"{r.key}/{c.key}" for r in spec.data_rows() for c in spec.columns} for k in keys):
            return spec
    return None


def _fmt(value, inferred: bool) -> str:
    if value is None:
        return "—"
    text = str(int(value)) if float(value) == int(value) else f"{value:g}"
    return text + ("*" if inferred else "")


def cell_label(path: str, format_id: str | None = None) -> str:
    """“表名 · 行 / 列” for a cell path such as ``table3/new/total``; the path itself when unknown."""
    table_id, _, key = path.partition("/")
    row_key, _, col_key = key.partition("/")
    spec = _spec(table_id, {key}, format_id)
    if spec is None:
        return path
    row = next((r for r in spec.data_rows() if r.key == row_key), None)
    col = next((c for c in spec.columns if c.key == col_key), None)
    return f"{spec.title} · {row.full_label if row else row_key} / {col.label if col else col_key}"


def render_tables(review: Review) -> str:
    cells = review.report.cells
    if not cells:
        return "【读取到的表格】未读取到表格数据。"
    inferred = set(review.report.inferred_cells)
    by_table: dict[str, dict[str, object]] = {}
    for path, value in cells.items():
        table_id, key = path.split("/", 1)
        by_table.setdefault(table_id, {})[key] = value
    out = ["【读取到的表格】（— 为无法读取的单元格，* 为根据勾稽关系拆分得到的数值）"]
    for table_id, values in by_table.items():
        spec = _spec(table_id, set(values), review.format)
        if spec is None:
            continue
        out.append("")
        out.append(f"{spec.title}（{table_id}）")
        if len(spec.columns) > 8:  # table 四: one row of 15 numbers, listed
            for row in spec.data_rows():
                for col in spec.columns:
                    key = f"{row.key}/{col.key}"
                    out.append(f"  {_pad(col.label, 36)} {_fmt(values.get(key), f'{table_id}/{key}' in inferred)}")
            continue
        labels = [r.full_label for r in spec.data_rows()]
        label_w = min(max(_width(x) for x in labels), 40)
        col_w = [max(_width(c.label), 6) for c in spec.columns]
        out.append("  " + _pad("", label_w) + "  " + "  ".join(_pad(c.label, w) for c, w in zip(spec.columns, col_w)))
        for row, label in zip(spec.data_rows(), labels):
            short = label if _width(label) <= label_w else label[: label_w // 2 - 1] + "…"
            vals = [_fmt(values.get(f"{row.key}/{c.key}"), f"{table_id}/{row.key}/{c.key}" in inferred)
                    for c in spec.columns]
            out.append("  " + _pad(short, label_w) + "  " + "  ".join(_pad(v, w, right=True) for v, w in zip(vals, col_w)))
    return "\n".join(out)
