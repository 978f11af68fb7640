"""Plain-text ingest: decoding by content (not extension) and the flattened Word-table layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from reviewer import errors
from reviewer.errors import InputError
from reviewer.ingest import read_bytes

WUHAI = Path(__file__).resolve().parents[1] / "examples/wuhai-gxj-2023.txt"
needs_wuhai = pytest.mark.skipif(not WUHAI.exists(), reason="wuhai sample not available")


def fingerprint(doc) -> str:
    """Everything a block says about the draft (ids, kinds, texts, spans, table cells)."""
    out = []
    for b in doc.blocks:
        cells = [[[c.text, list(c.span) if c.span else None] for c in row] for row in b.table.rows] if b.table else None
        out.append([b.id, b.kind, b.text, list(b.span), b.level, cells])
    return hashlib.sha256(json.dumps(out, ensure_ascii=False).encode()).hexdigest()


@needs_wuhai
def test_wuhai_blocks_unchanged():
    doc = read_bytes(WUHAI.read_bytes(), WUHAI.name)
    kinds = "".join(b.kind[0] for b in doc.blocks)
    assert kinds == "ppphppppphthtthhphpp"
    assert [[len(r) for r in t.table.rows][:6] for t in doc.tables()] == [
        [1, 4, 4, 4, 1, 2], [2, 4, 8, 8, 8, 8], [2, 7, 15, 15, 15]]
    # the exact blocks the lead's reference implementation produced for the sample
    assert fingerprint(doc) == "c86ea942bf996d5c1e56a75129103fcd3df56da02996fd817db32a8a4be2366c"
    for b in doc.blocks:
        if b.kind != "table":
            assert doc.text[b.span[0]:b.span[1]] == b.text
        else:
            for c in b.table.cells():
                assert doc.text[c.span[0]:c.span[1]] == c.text


@needs_wuhai
def test_gb18030_copy_gives_identical_text():
    utf8 = read_bytes(WUHAI.read_bytes(), "w.txt")
    gb = read_bytes(WUHAI.read_bytes().decode("utf-8").encode("gb18030"), "w.txt")
    assert gb.encoding == "gb18030"
    assert gb.text == utf8.text
    assert fingerprint(gb) == fingerprint(utf8)


@needs_wuhai
@pytest.mark.parametrize("transform", [
    lambda b: b"\xef\xbb\xbf" + b,  # UTF-8 BOM
    lambda b: b.replace(b"\n", b"\r\n"),  # Windows line ends
    lambda b: b.decode("utf-8").replace("\n", "\r\n").encode("utf-16"),  # UTF-16 with BOM, CRLF
    lambda b: b.decode("utf-8").encode("gbk"),  # GBK is a subset of GB18030
])
def test_bom_crlf_and_encodings_give_the_same_document(transform):
    ref = read_bytes(WUHAI.read_bytes(), "w.txt")
    doc = read_bytes(transform(WUHAI.read_bytes()), "draft.txt")
    assert doc.text == ref.text
    assert fingerprint(doc) == fingerprint(ref)


def test_encoding_is_detected_from_content_not_extension():
    text = "一、总体情况\n本年度共收到政府信息公开申请3件。\n"
    doc = read_bytes(text.encode("gb18030"), "report.utf8.txt")
    assert doc.text == text and doc.encoding == "gb18030"


def test_flattened_table_cells_and_continuation_lines():
    text = "二、标题\n\t信息内容\n\t本年\n制发件数\n\n\t规章\n\t0\n\n\n正文继续\n"
    doc = read_bytes(text.encode(), "t.txt")
    assert [b.kind for b in doc.blocks] == ["heading", "table", "paragraph"]
    rows = doc.blocks[1].table.rows
    assert [[c.text for c in r] for r in rows] == [["信息内容", "本年\n制发件数"], ["规章", "0"]]


def test_bom_claim_with_wrong_bytes_is_an_encoding_error():
    with pytest.raises(InputError) as exc:
        read_bytes(b"\xef\xbb\xbf" + "报告".encode("gbk") + b"\xff\xfe\xfd", "x.txt")
    assert exc.value.code == errors.ENCODING


def test_tab_separated_rows_end_at_the_next_plain_line():
    """A table pasted from a spreadsheet (tab-separated rows, some starting with a tab) ends at the
    first line without a tab: the sections after it are paragraphs, not a cell's continuation."""
    from reviewer.ingest.text import split_blocks

    text = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\t\t\t\t\t行政诉讼\n\t\t\t\t\t未经复议直接起诉\n"
            "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n五、存在的主要问题及改进情况\n一是政策解读形式单一。\n")
    blocks = split_blocks(text)
    assert [b.kind for b in blocks][-2:] == ["heading", "paragraph"]
    assert blocks[-1].text == "一是政策解读形式单一。"
