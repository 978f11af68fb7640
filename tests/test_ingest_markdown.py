"""Markdown ingest: headings, pipe tables, fragments from PDF extraction, spans into the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.ingest import read_bytes

KEWEI = next((p for p in (Path(__file__).parent / "fixtures/real/sh-kewei-2024.md",
                Path("/work/shared/samples/real/sh-kewei-2024.md")) if p.exists()), Path("sh-kewei-2024.md"))


def _assert_spans(doc):
    for b in doc.blocks:
        assert doc.text[slice(*b.span)] == b.text
        for c in (b.table.cells() if b.table else ()):
            assert doc.text[slice(*c.span)] == c.text


def test_headings_paragraphs_and_a_pipe_table():
    md = ("# 某局2023年政府信息公开工作年度报告\r\n\r\n一、总体情况\r\n正文 | 不是表格\r\n\r\n"
          "| 信息内容 | 本年制发件数 |\r\n|:---|---:|\r\n| 规章 | 0 |\r\n| 行政规范性文件 | 3 |\r\n")
    doc = read_bytes(md.encode(), "r.md")
    assert "\r" not in doc.text
    assert [(b.kind, b.level, b.text) for b in doc.blocks if b.kind != "table"] == [
        ("heading", 1, "某局2023年政府信息公开工作年度报告"), ("heading", 1, "一、总体情况"),
        ("paragraph", None, "正文 | 不是表格")]
    rows = next(doc.tables()).table.rows
    assert [[c.text for c in r] for r in rows] == [["信息内容", "本年制发件数"], ["规章", "0"], ["行政规范性文件", "3"]]
    _assert_spans(doc)


def test_fragments_split_at_each_header_delimiter_pair_and_rows_stay_ragged():
    md = ("| 1.属于国家秘密 | 0 | 0 |\n|---|---|---|\n| 0 | 0 |\n|---|---|\n"
          "| 3.危及 | 1 | 1 |\n|---|---|---|\n| 4.保护 | 0 | 0 | 0 |\n")
    doc = read_bytes(md.encode(), "f.md")
    tables = [[[c.text for c in r] for r in t.table.rows] for t in doc.tables()]
    assert tables == [[["1.属于国家秘密", "0", "0"]], [["0", "0"]], [["3.危及", "1", "1"], ["4.保护", "0", "0", "0"]]]
    _assert_spans(doc)


def test_empty_cells_escaped_pipes_and_missing_closing_pipe():
    doc = read_bytes("| a |  | b \\| c |\n|---|---|---|\n| 1 | 2\n".encode(), "e.md")
    rows = [[c.text for c in r] for r in next(doc.tables()).table.rows]
    assert rows == [["a", "", "b \\| c"], ["1", "2"]]
    _assert_spans(doc)


@pytest.mark.skipif(not KEWEI.exists(), reason="real sample not available")
def test_real_shanghai_markdown_fragments():
    doc = read_bytes(KEWEI.read_bytes(), KEWEI.name)
    _assert_spans(doc)
    tables = list(doc.tables())
    assert len(tables) == 19  # every fragment of the broken PDF tables is its own block
    first = [[c.text for c in r] for r in tables[0].table.rows]
    assert first == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"],
                     ["规范性文件", "13", "0", "55"]]
    t3 = tables[1].table.rows
    assert [c.text for c in t3[0]] == ["业", "构", "益组织", "务机构", "", "", "", "", ""]
    assert [c.text for c in t3[3]] == ["三、", "（一）予以公开", "9", "0", "0", "0", "0", "0", "9"]
    assert [len(t.table.rows[0]) for t in tables[2:4]] == [7, 8]  # ragged, as written
    assert any(b.kind == "heading" and b.text == "一、总体情况" for b in doc.blocks)
    assert any(b.kind == "paragraph" and b.text.startswith("根据《中华人民共和国政府信息公开条例》") for b in doc.blocks)


def test_pipe_tables_are_sniffed_without_a_file_name_but_txt_stays_txt():
    md = "一、总体情况\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 0 |\n".encode()
    assert read_bytes(md, "draft").media_type == "md"
    assert read_bytes(md, "draft.txt").media_type == "txt"
    assert read_bytes(b"# t\n<table><tr><td>1</td></tr></table>\n", "a.md").media_type == "md"


def test_a_markdown_heading_mark_is_not_part_of_the_agency():
    from reviewer.pipeline import ReviewOptions, review_bytes

    text = "#深圳市南山区粤海街道办事处2023年政府信息公开工作年度报告\n\n## 一、总体情况\n\n本年度工作有序开展。\n"
    review = review_bytes(text.encode("utf-8"), "r.md", ReviewOptions(use_llm=False))
    assert review.report.agency == "深圳市南山区粤海街道办事处"
