"""Word ingest: body order, headings, merged-cell grids, content controls, text boxes."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.oxml import parse_xml

sys.path.insert(0, str(Path(__file__).parent))
import reportgen  # noqa: E402

from reviewer.ingest import read_bytes  # noqa: E402

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _with_body_xml(*fragments: str) -> bytes:
    """A python-docx document whose body holds the given raw WordprocessingML elements."""
    d = docx.Document()
    body = d.element.body
    for frag in fragments:
        body.insert(len(body) - 1, parse_xml(frag))  # before w:sectPr
    return _save(d)


def test_generated_report_reads_in_order_with_merged_grid():
    spec = reportgen.consistent_spec(seed=5, zero_applications=False)
    doc = read_bytes(reportgen.to_docx(spec), "r.docx")
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == list(reportgen.SECTION_HEADINGS.values())
    assert all(b.level == 1 for b in doc.blocks if b.kind == "heading")  # Heading 1 style
    tables = list(doc.tables())
    assert [len(t.table.rows) for t in tables] == [14, 28, 4]
    t3 = tables[1].table
    assert all(len(r) == 10 for r in t3.rows)
    # “三、本年度办理结果” spans 22 rows vertically: one origin, 21 copies pointing at it
    col0 = [c for c in (r[0] for r in t3.rows) if c.text == "三、本年度办理结果"]
    assert len(col0) == 22 and col0[0].merged_from is None
    assert {c.merged_from for c in col0[1:]} == {(col0[0].row, 0)}
    # “申请人情况” spans 7 columns horizontally
    assert [c.merged_from for c in t3.rows[0][3:]] == [None] + [(0, 3)] * 6
    # the 175 numbers, row by row, as the spec holds them
    numbers = [c.text for r in t3.rows[3:] for c in r[3:]]
    assert numbers == spec.numbers("table3")
    for b in doc.blocks:  # spans index Document.text exactly
        if b.kind != "table":
            assert doc.text[slice(*b.span)] == b.text
        for c in (b.table.cells() if b.table else ()):
            assert doc.text[slice(*c.span)] == c.text
    assert [b.source_index for b in doc.blocks[:3]] == [0, 1, 2]


def test_heading_detection_styles_outline_and_numbered_lines():
    d = docx.Document()
    d.add_paragraph("报告标题", style="Title")
    d.add_paragraph("总体情况", style="Heading 2")
    d.add_paragraph("一、总体情况")  # outline-numbered short line
    d.add_paragraph("一、这是一个很长的句子" + "，内容" * 30)  # too long for a heading
    doc = read_bytes(_save(d), "h.docx")
    assert [(b.kind, b.level) for b in doc.blocks] == [("heading", 1), ("heading", 2), ("heading", 1),
                                                       ("paragraph", None)]


def test_line_breaks_content_controls_and_text_boxes():
    para_br = f'<w:p {W}><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t><w:tab/><w:t>续</w:t></w:r></w:p>'
    sdt = (f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p>'
           '</w:sdtContent></w:sdt>')
    inline_sdt = (f'<w:p {W}><w:r><w:t>前</w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>内联控件</w:t></w:r>'
                  '</w:sdtContent></w:sdt></w:p>')
    textbox = (
        f'<w:p {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框文字</w:t></w:r></w:p>'
        '</w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框文字</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    doc = read_bytes(_with_body_xml(para_br, sdt, inline_sdt, textbox), "x.docx")
    assert [b.text for b in doc.blocks] == ["第一行", "第二行 续", "控件中的段落", "前内联控件", "文本框文字"]
    assert doc.blocks[0].source_index == doc.blocks[1].source_index  # one w:p, two lines


def test_nested_table_grid_before_and_vertical_merge():
    tbl = (
        f'<w:tbl {W}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>乙</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>乙二</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc>'
        '<w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="9999"/></w:tcPr>'
        '<w:p><w:r><w:t>宽</w:t></w:r></w:p></w:tc></w:tr>'
        '</w:tbl>')
    doc = read_bytes(_with_body_xml(tbl), "t.docx")
    rows = doc.blocks[0].table.rows
    assert [(c.text, c.merged_from) for c in rows[0]] == [("甲", None), ("乙\n乙二", None), ("乙\n乙二", (0, 1))]
    assert [(c.text, c.merged_from) for c in rows[1]] == [("甲", (0, 0)), ("内1 内2", None), ("3", None)]
    assert rows[2][0].text == "" and rows[2][1].text == "宽"
    assert len(rows[2]) == 1 + 64  # absurd gridSpan is capped

