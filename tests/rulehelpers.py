"""Shared helpers for the per-rule tests (tests/test_rules_*.py, test_rootcause.py, test_table_reading.py).

Inputs come from ``reportgen.consistent_spec`` (every relation holds, prose agrees),
changed in one place, rendered, and reviewed through the real pipeline without LLM.
Cell texts a spec cannot hold (blank, “-”, “若干”) are planted by rendering a unique
sentinel number and replacing it in the rendered bytes, so every input format works.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import reportgen  # noqa: E402
from reportgen import CATEGORIES, RESULT_ROWS, ReportSpec, consistent_spec  # noqa: E402,F401

from reviewer.findings import Finding, Review  # noqa: E402
from reviewer.pipeline import ReviewOptions, review_bytes  # noqa: E402

RENDER = {"txt": reportgen.to_txt_flattened, "html": reportgen.to_html, "md": reportgen.to_md}
_SENTINEL = 987_600  # no generated report holds numbers this large


def review(data: bytes | str, filename: str = "draft.txt") -> Review:
    """The rule-only review of one draft; it must not fail."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    result = review_bytes(data, filename, ReviewOptions(use_llm=False))
    assert result.status == "ok", result.error
    return result


def render(spec: ReportSpec, fmt: str = "txt", cells: dict[tuple[str, str, str], str] | None = None) -> str:
    """The spec rendered as ``fmt``; ``cells`` maps (table, row, column) to the literal cell text to print.

    ``table`` is ``table2``/``table3``/``table4``; for table4 ``row`` is ignored.
    """
    swaps: dict[str, str] = {}
    for i, ((table, row, col), text) in enumerate((cells or {}).items()):
        sentinel = _SENTINEL + i
        if table == "table4":
            spec.table4[col] = sentinel
        else:
            getattr(spec, table)[row][col] = sentinel
        swaps[str(sentinel)] = text
    out = RENDER[fmt](spec).decode("utf-8")
    for sentinel, text in swaps.items():
        assert out.count(sentinel) == 1, sentinel
        out = out.replace(sentinel, text)
    return out


def review_spec(spec: ReportSpec, fmt: str = "txt", cells: dict | None = None) -> Review:
    if fmt == "docx":  # a real Word document (no literal cell texts: those are for the text layouts)
        assert not cells
        return review(reportgen.to_docx(spec), "draft.docx")
    ext = {"txt": "txt", "html": "html", "md": "md"}[fmt]
    return review(render(spec, fmt, cells), f"draft.{ext}")


def rule_ids(result: Review) -> set[str]:
    return {f.rule_id for f in result.findings}


def fired(result: Review, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id]


def only(result: Review, *rule_ids_: str) -> list[Finding]:
    """Assert that exactly these rules fired (each at least once); return their findings in order."""
    got = rule_ids(result)
    assert got == set(rule_ids_), [(f.rule_id, f.message) for f in result.findings]
    return [f for f in result.findings if f.rule_id in rule_ids_]


def cells_of(f: Finding) -> set[tuple[str | None, str | None, str | None]]:
    return {(loc.table, loc.row, loc.column) for loc in f.locations if loc.table}


def clean_spec(seed: int = 9, year: int = 2023, **kw) -> ReportSpec:
    """A consistent report; seed 9 has applications in several columns (asserted)."""
    spec = consistent_spec(year=year, seed=seed, **kw)
    if seed == 9:
        assert spec.table3["new"]["total"] == 10 and spec.table3["new"]["commercial"] == 3
    return spec


def applications_spec(counts: dict[tuple[str, str], int], carried: dict[str, int] | None = None,
                      forward: dict[str, int] | None = None, year: int = 2023) -> ReportSpec:
    """A consistent report whose table 三 holds exactly these result counts (row, category) → n.

    New applications per column are derived (results + forward − carried); the 总计
    column and the prose paragraph on applications are recomputed to agree.
    """
    spec = consistent_spec(year=year, seed=3, zero_applications=True)
    t3 = spec.table3
    for (row, col), n in counts.items():
        assert row in RESULT_ROWS and col in CATEGORIES
        t3[row][col] = n
    for col in CATEGORIES:
        t3["carried"][col] = (carried or {}).get(col, 0)
        t3["forward"][col] = (forward or {}).get(col, 0)
        t3["results_total"][col] = sum(t3[r][col] for r in RESULT_ROWS)
        t3["new"][col] = t3["results_total"][col] + t3["forward"][col] - t3["carried"][col]
        assert t3["new"][col] >= 0
    for row in t3.values():
        row["total"] = sum(row[c] for c in CATEGORIES)
    spec.sections["一"][2] = (
        f"（二）依申请公开。本年度共收到政府信息公开申请{t3['new']['total']}件，上年结转{t3['carried']['total']}件，"
        f"办结{t3['results_total']['total']}件，其中予以公开{t3['disclosed']['total']}件，"
        f"结转下年度继续办理{t3['forward']['total']}件。")
    return spec


def wuhai_spec() -> ReportSpec:
    """The sample draft's double error, planted: 商业企业 lost one application in 一 and in （一）予以公开
    (true values 2 and 2), while the 总计 column and （七）总计 keep the right 2."""
    spec = applications_spec({("disclosed", "commercial"): 2})
    spec.table3["new"]["commercial"] = 1
    spec.table3["disclosed"]["commercial"] = 1
    return spec


def crawled(spec: ReportSpec) -> str:
    """A crawled web page's text: each table on one line, its cells run together with no separator
    (“…申请数量640020470二、上年结转…”), paragraphs one per line."""
    out: list[str] = []
    cells: list[str] = []
    for line in reportgen.to_txt_flattened(spec).decode("utf-8").split("\n"):
        if line.startswith("\t"):
            cells.append(line[1:])
            continue
        if not line:  # a row ends: the crawler keeps the whole table on one line
            continue
        if cells:
            out.append("".join(cells))
            cells = []
        out.append(line)
    if cells:
        out.append("".join(cells))
    return "\n".join(out) + "\n"


def to_txt_2019(spec: ReportSpec) -> str:
    """The spec in the 2019 trial layout (国办公开办函〔2019〕60号): section 二 counts 新制作/新公开/
    对外公开总数, adds the 第二十条第（九）项 procurement table; （六）其他处理 has no sub-rows."""
    text = reportgen.to_txt_flattened(spec).decode("utf-8")
    t2 = spec.table2

    def rows(*rows_: tuple[str, ...]) -> str:
        return "".join("".join(f"\t{c}\n" for c in r) + "\n" for r in rows_)

    normative = t2["normative"]
    table2 = (
        rows(("第二十条第（一）项",), ("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
             ("规章", "0", "0", "0"),
             ("规范性文件", str(int(normative["issued"])), str(int(normative["issued"])), str(int(normative["in_force"]))))
        + rows(("第二十条第（五）项",), ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
               ("行政许可", "3", "0", str(int(t2["license"]["decisions"]))), ("其他对外管理服务事项", "0", "0", "0"))
        + rows(("第二十条第（六）项",), ("信息内容", "上一年项目数量", "本年增/减", "处理决定数量"),
               ("行政处罚", "2", "0", str(int(t2["penalty"]["decisions"]))),
               ("行政强制", "1", "0", str(int(t2["coercion"]["decisions"]))))
        + rows(("第二十条第（八）项",), ("信息内容", "上一年项目数量", "本年增/减"), ("行政事业性收费", "0", "0"))
        + rows(("第二十条第（九）项",), ("信息内容", "采购项目数量", "采购总金额"), ("政府集中采购", "0", "0"))
    )
    start = text.index("\t第二十条第（一）项")
    end = text.index("三、收到和处理政府信息公开申请情况")
    text = text[:start] + table2 + "\n\n\n" + text[end:]
    other = [sum(spec.table3[r][c] for r in ("other_no_correction", "other_no_fee", "other_other"))
             for c in (*CATEGORIES, "total")]
    merged = "\t（六）其他处理\n" + "".join(f"\t{v}\n" for v in other)
    text, n = re.subn(r"\t（六）其他处理\n.*?\t3\.其他\n(?:\t[^\n]*\n){7}", merged, text, flags=re.S)
    assert n == 1
    return text
