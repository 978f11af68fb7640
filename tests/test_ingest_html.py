"""HTML ingest: article detection on CMS pages, merged-cell grids, encodings, hostile markup."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import reportgen  # noqa: E402

from reviewer import errors  # noqa: E402
from reviewer.errors import InputError  # noqa: E402
from reviewer.ingest import read_bytes  # noqa: E402

SHUYANG = next((p for p in (Path(__file__).parent / "fixtures/real/shuyang-fgj-2023.html",
                Path("/work/shared/samples/real/shuyang-fgj-2023.html")) if p.exists()), Path("shuyang-fgj-2023.html"))


@pytest.mark.skipif(not SHUYANG.exists(), reason="real sample not available")
def test_real_county_page_article_and_tables_without_chrome():
    doc = read_bytes(SHUYANG.read_bytes(), SHUYANG.name)
    assert doc.blocks[0].text == "沭阳县发展和改革局2023年政府信息公开年度报告"  # title above the article
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    for h in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"):
        assert h in headings
    assert any("统计时限为2023年1月1日至2023年12月31日" in b.text for b in doc.blocks)
    tables = list(doc.tables())
    assert [len(t.table.rows) for t in tables] == [14, 28, 4]
    assert [c.text for c in tables[0].table.rows[3]] == ["规范性文件", "8", "0", "18"]
    assert [c.text for c in tables[2].table.rows[3]][:5] == ["0", "0", "0", "1", "1"]
    t3 = tables[1].table
    assert all(len(r) == 10 for r in t3.rows)
    assert t3.rows[3][3].text == "26" and t3.rows[3][9].text == "26"
    # page chrome (menus, metadata table, footer, scripts) stays out
    for chrome in ("索引号", "繁體版", "无障碍", "走进沭阳", "采集时间", "websiteId", "首页"):
        assert chrome not in doc.text, chrome
    for b in doc.blocks:
        if b.kind != "table":
            assert doc.text[slice(*b.span)] == b.text


def test_generated_page_gbk_meta_rowspan_colspan():
    spec = reportgen.consistent_spec(seed=11, zero_applications=False)
    data = reportgen.to_html(spec, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_bytes(data, "page.htm")
    assert doc.encoding == "gb18030"
    assert doc.blocks[0].text == spec.title
    assert [b.text for b in doc.blocks if b.kind == "heading"][1:] == list(reportgen.SECTION_HEADINGS.values())
    t3 = list(doc.tables())[1].table
    assert [c.text for r in t3.rows[3:] for c in r[3:]] == spec.numbers("table3")
    assert t3.rows[1][3].merged_from is None and t3.rows[2][3].merged_from == (1, 3)  # 自然人 rowspan=2
    assert "当前位置" not in doc.text and "ICP备案号" not in doc.text


def test_br_in_cells_and_paragraphs_nested_tables_and_ragged_rows():
    page = """<html><body><div class="content">
    <p>第一行<br>第二行</p><h2>一、总体情况</h2>
    <table><tr><th rowspan="2">甲</th><td>结果<br/>维持</td><td colspan="2">乙</td></tr>
    <tr><td><table><tr><td>内1</td><td>内2</td></tr></table></td></tr>
    <tr><td>短</td></tr></table>
    <p>尾段&nbsp;文字</p></div></body></html>""".encode()
    doc = read_bytes(page, "x.html")
    assert [(b.kind, b.text) for b in doc.blocks if b.kind != "table"] == [
        ("paragraph", "第一行"), ("paragraph", "第二行"), ("heading", "一、总体情况"), ("paragraph", "尾段文字")]  # a space between CJK characters is layout, not text
    rows = next(doc.tables()).table.rows
    assert [(c.text, c.merged_from) for c in rows[0]] == [("甲", None), ("结果\n维持", None), ("乙", None),
                                                           ("乙", (0, 2))]
    assert [(c.text, c.merged_from) for c in rows[1]] == [("甲", (0, 0)), ("内1 内2", None)]
    assert [c.text for c in rows[2]] == ["短"]  # rows keep their own length


def test_absurd_spans_are_capped_or_refused():
    capped = read_bytes(b"<html><body><table><tr><td colspan='100000'>x</td></tr></table></body></html>", "a.html")
    assert len(next(capped.tables()).table.rows[0]) == 200
    rows = "".join("<tr>" + "<td rowspan='65534' colspan='200'>x</td>" + "</tr>" for _ in range(400))
    with pytest.raises(InputError) as exc:
        read_bytes(f"<html><body><table>{rows}</table></body></html>".encode(), "b.html")
    assert exc.value.code == errors.MALICIOUS


def test_wrong_meta_charset_falls_back_with_a_warning():
    page = '<html><head><meta charset="utf-8"></head><body><p>本年度共收到申请3件。</p></body></html>'
    doc = read_bytes(page.encode("gbk"), "wrong.html")
    assert doc.blocks[0].text == "本年度共收到申请3件。"
    assert doc.encoding == "gb18030" and doc.warnings


def test_unknown_charset_name_does_not_crash():
    page = '<html><head><meta charset="x-no-such"></head><body><p>正文</p></body></html>'
    assert read_bytes(page.encode(), "u.html").blocks[0].text == "正文"


def test_layout_tables_of_old_cms_pages_are_read_as_flow():
    spec = reportgen.consistent_spec(seed=5)
    article = reportgen.to_html(spec).decode()
    start, end = article.index('<div id="zoom"'), article.index('<div class="share">')
    body = article[start:end].replace('id="zoom" class="TRS_Editor"', "")  # no container hints
    page = ("<html><body><table width='100%'><tr><td width='20%'><a href='/'>首页</a><br><a>机构概况</a></td>"
            f"<td>{body}</td></tr></table></body></html>")
    doc = read_bytes(page.encode(), "old.html")
    tables = list(doc.tables())
    assert [len(t.table.rows) for t in tables] == [14, 28, 4]  # the report's own tables, not the layout
    assert [b.text for b in doc.blocks if b.kind == "heading"] == list(reportgen.SECTION_HEADINGS.values())


def test_entity_declarations_in_html_are_not_expanded():
    lol = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
           + ']><html><body><p>&lol9;</p><p>正文</p></body></html>')
    doc = read_bytes(lol.encode(), "lol.html")
    assert len(doc.text) < 100 and doc.blocks[-1].text == "正文"
