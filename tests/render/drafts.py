"""Small real drafts for renderer tests, and findings placed on their exact text.

The drafts are built with python-docx the way a drafting office writes them:
mixed-format runs in one sentence, a manual line break, a table with a merged
header and numbers in cells.
"""

from __future__ import annotations

import io

from reviewer.document import Document
from reviewer.findings import Finding, Location, Review

TITLE = "乌海市示例局2023年政府信息公开工作年度报告"
PROSE = "主动公开政府信息总数1248条，其中通过门户网站公开24条。"


def build_docx() -> bytes:
    import docx
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.add_heading(TITLE, level=0)
    p = d.add_paragraph()
    p.add_run("本报告所列数据的统计期限自")
    r = p.add_run("2024年1月1日")
    r.bold = True
    p.add_run("起至2024年12月31日。")
    d.add_heading("一、总体情况", level=1)
    p = d.add_paragraph()
    r = p.add_run("主动公开政府信息总数")
    r.font.size = Pt(14)
    r = p.add_run("1248")
    r.font.color.rgb = RGBColor(0x11, 0x22, 0x99)
    p.add_run("条，其中通过门户网站公开24条。")
    p = d.add_paragraph("第一行说明")
    p.runs[0].add_break()
    p.add_run("第二行说明，含2024年工作")
    d.add_heading("三、收到和处理政府信息公开申请情况", level=1)
    t = d.add_table(rows=4, cols=4)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(1, 0)).text = "申请人情况"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "法人或其他组织"
    for c, label in enumerate(["商业企业", "科研机构", "总计"], start=1):
        t.cell(1, c).text = label
    for r, (label, vals) in enumerate([("一、本年新收政府信息公开申请数量", ["1", "0", "2"]),
                                        ("（一）予以公开", ["1", "", "12"])], start=2):
        t.cell(r, 0).text = label
        for c, v in enumerate(vals, start=1):
            t.cell(r, c).text = v
    d.add_paragraph("[bookmark: _GoBack]五、存在的主要问题")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def text_location(doc: Document, needle: str, occurrence: int = 0, section: str | None = None) -> Location:
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(needle, start + 1)
    end = start + len(needle)
    block = next(b for b in doc.blocks if b.span[0] <= start and end <= b.span[1])
    return Location(block_id=block.id, span=(start, end), text=needle, section=section)


def cell_location(doc: Document, table_index: int, row: int, col: int, section: str | None = "三") -> Location:
    block = list(doc.tables())[table_index]
    cell = block.table.rows[row][col]
    return Location(block_id=block.id, span=tuple(cell.span), text=cell.text, section=section,
                    table="table3", row=str(row), column=str(col), label=f"第{row}行第{col}列")


def finding(rule: str, message: str, *locs: Location, severity: str = "error", suggestion: str | None = None) -> Finding:
    return Finding(rule_id=rule, category="arithmetic", severity=severity, message=message,
                   locations=list(locs), suggestion=suggestion or "核对该数字")


def review_of(doc: Document, findings: list[Finding]) -> Review:
    return Review(review_id="t1", source=doc.source, findings=findings)


def anchored_texts(wd) -> dict[str, str]:
    """comment id → the text between its commentRangeStart and commentRangeEnd."""
    from docx.oxml.ns import qn

    start, end, t = qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:t")
    out: dict[str, str] = {}
    active: set[str] = set()
    for el in wd.element.body.iter():
        if el.tag == start:
            active.add(el.get(qn("w:id")))
            out.setdefault(el.get(qn("w:id")), "")
        elif el.tag == end:
            active.discard(el.get(qn("w:id")))
        elif el.tag == t:
            for cid in active:
                out[cid] += el.text or ""
    return out


def char_formats(wd) -> list[tuple[str, str]]:
    """(character, its run's properties as XML) for every character of the body, in order."""
    from docx.oxml.ns import qn
    from lxml import etree

    out = []
    for t in wd.element.body.iter(qn("w:t")):
        rpr = t.getparent().find(qn("w:rPr"))
        fmt = etree.tostring(rpr).decode() if rpr is not None else ""
        out.extend((ch, fmt) for ch in t.text or "")
    return out


def sample_findings(doc: Document) -> list[Finding]:
    """Findings on prose (inside and across runs), table cells (numbers, an empty cell), and none."""
    return [
        finding("period.mismatch", "统计期限年度与标题年度不符", text_location(doc, "2024年1月1日"),
                suggestion="统计期限应为2023年1月1日至2023年12月31日"),
        finding("period.partial", "跨越两个格式不同的文字段", text_location(doc, "期限自2024年1月"), severity="warning"),
        finding("crossref.parts", "主动公开总数小于其中各项之和", text_location(doc, "1248"),
                text_location(doc, "24", 2)),
        finding("crossref.sentence", "整句引用", text_location(doc, PROSE), severity="info"),
        finding("table3.row_total", "总计与各项之和不符", cell_location(doc, 0, 2, 3), cell_location(doc, 0, 2, 1)),
        finding("table3.blank", "单元格为空，应填0", cell_location(doc, 0, 3, 2), severity="warning"),
        finding("table3.digit", "数字的一部分", Location(block_id=list(doc.tables())[0].id,
                                                   span=(doc.text.index("\t12") + 1, doc.text.index("\t12") + 2),
                                                   text="1")),
        finding("format.artefact", "转换残留", text_location(doc, "[bookmark: _GoBack]")),
        finding("structure.whole", "全文层面的问题（无具体位置）"),
    ]
