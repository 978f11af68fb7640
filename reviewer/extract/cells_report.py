"""What the reviewer read from the tables, as ``Review.report.cells``.

Keys are paths in the format declaration (``table3/new/total``,
``table4/counts/review_total``, ``table2_1/normative/in_force``), so a user can check the
reviewer saw the draft they meant, whatever the input form. Every cell of every table that
was found is listed; a cell that is blank, a dash or not a number is ``None``.
"""

from __future__ import annotations

from reviewer.extract.facts import ReportFacts
from reviewer.formats import FORMATS, GOV_2021


def _spec(facts: ReportFacts, table_id: str):
    layout = FORMATS.get(facts.template or "", GOV_2021)
    return next((t for t in layout.tables if t.id == table_id), None)


def report_cells(facts: ReportFacts) -> tuple[dict[str, int | float | None], list[str]]:
    cells: dict[str, int | float | None] = {}
    inferred: list[str] = []
    for table_id, table in facts.tables.items():
        if not table.found:
            continue
        spec = _spec(facts, table_id)
        keys = [f"{r.key}/{c.key}" for r in spec.data_rows() for c in spec.columns] if spec else list(table.cells)
        known = set(keys)
        keys += [k for k in table.cells if k not in known]  # a group printed as one row (“（六）其他处理”)
        for key in keys:
            cell = table.cells.get(key)
            path = f"{table_id}/{key}"
            value = cell.value if cell is not None else None
            cells[path] = int(value) if value is not None and value == int(value) else value
            if cell is not None and cell.inferred:
                inferred.append(path)
    return cells, inferred
