"""Annotated .docx: every finding is a Word comment on exactly its text; nothing else changes."""

from __future__ import annotations

import io

import docx
import pytest

from reviewer.ingest import read_bytes
from reviewer.render import annotate_docx, generate_docx, write_annotated
from reviewer.render.anchors import AUTHOR

from drafts import TITLE, anchored_texts, build_docx, char_formats, review_of, sample_findings


@pytest.fixture(scope="module")
def draft():
    data = build_docx()
    doc = read_bytes(data, "draft.docx")
    review = review_of(doc, sample_findings(doc))
    return data, doc, review


def _expected_anchors(review) -> list[str]:
    """One comment per finding, on its principal (first) location; none: on the first line."""
    return [f.locations[0].text if f.locations else TITLE for f in review.findings]


def test_every_finding_is_one_comment_on_its_exact_text(draft):
    data, doc, review = draft
    wd = docx.Document(io.BytesIO(annotate_docx(data, doc, review)))
    comments = list(wd.comments)
    anchored = anchored_texts(wd)
    expected = _expected_anchors(review)
    assert len(comments) == len(expected)
    for comment, want in zip(comments, expected):
        assert comment.author == AUTHOR
        assert anchored[str(comment.comment_id)] == want, comment.text
    # the comment text is the message plus the suggestion
    first = comments[0].text
    assert "统计期限年度与标题年度不符" in first and "建议：统计期限应为2023年1月1日至2023年12月31日" in first
    # a finding with several places: one comment, on the first, naming the others
    for f, comment in zip(review.findings, comments):
        for other in f.locations[1:]:
            assert "其他位置：" in comment.text and " ".join(other.text.split())[:24] in comment.text
    assert any(len(f.locations) > 1 for f in review.findings)


def test_formatting_and_text_unchanged(draft):
    data, doc, review = draft
    out = annotate_docx(data, doc, review)
    assert char_formats(docx.Document(io.BytesIO(out))) == char_formats(docx.Document(io.BytesIO(data)))
    again = read_bytes(out, "draft.docx")
    assert again.text == doc.text
    assert [b.text for b in again.blocks] == [b.text for b in doc.blocks]


def test_no_findings_no_comments(draft):
    data, doc, _ = draft
    out = annotate_docx(data, doc, review_of(doc, []))
    assert list(docx.Document(io.BytesIO(out)).comments) == []


def _first_words(doc, heading: str, offset: int = 1, n: int = 15) -> str:
    """The start of the paragraph ``offset`` blocks from a heading (the draft's prose varies by seed)."""
    i = next(k for k, b in enumerate(doc.blocks) if b.text == heading)
    return doc.blocks[i + offset].text[:n]


def text_draft_findings(doc):
    from drafts import cell_location, finding, text_location

    table3 = max(doc.tables(), key=lambda b: len(b.table.rows))
    ti = list(doc.tables()).index(table3)
    row = next(r for r in table3.table.rows if r[0].text.startswith("一、本年新收"))
    return [
        finding("period.mismatch", "统计期限年度与标题不符", text_location(doc, "2023年1月1日")),
        finding("crossref.parts", "总数小于各项之和", text_location(doc, _first_words(doc, "一、总体情况"))),
        finding("table3.row_total", "本年新收一行的总计与各项之和不符", cell_location(doc, ti, row[-1].row, row[-1].col)),
        finding("table3.label", "多行单元格", cell_location(doc, ti, 0, 0), severity="info"),
        finding("narrative.plan", "计划写成已完成", text_location(doc, _first_words(doc, "六、其他需要报告的事项", -1)),
                severity="warning"),
    ]


def test_generated_docx_from_text_draft(txt_doc):
    doc = txt_doc
    findings = text_draft_findings(doc)
    review = review_of(doc, findings)
    wd = docx.Document(io.BytesIO(generate_docx(doc, review)))
    anchored = anchored_texts(wd)
    assert [anchored[str(c.comment_id)] for c in wd.comments] == [f.locations[0].text for f in findings]
    assert len(wd.tables) == len(list(doc.tables()))
    # the generated draft reads back as the same paragraphs and the same table cells
    again = read_bytes(_bytes(wd), "gxj-2023.docx")
    assert [b.text for b in again.blocks if b.kind != "table"] == [b.text for b in doc.blocks if b.kind != "table"]
    assert _cells(again) == _cells(doc)


def test_write_annotated_keeps_docx_and_writes_html(tmp_path, draft):
    data, doc, review = draft
    src = tmp_path / "draft.docx"
    src.write_bytes(data)
    out = write_annotated("docx", src, doc, review, tmp_path / "draft.审核.docx")
    assert len(list(docx.Document(str(out)).comments)) == len(_expected_anchors(review))
    html = write_annotated("html", src, doc, review, tmp_path / "draft.审核.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "统计期限年度与标题年度不符" in html


def _bytes(wd) -> bytes:
    buf = io.BytesIO()
    wd.save(buf)
    return buf.getvalue()


def _cells(d) -> list[list[str]]:
    """Origin cell texts per row; a ragged row is padded with empty cells in Word, so trim those."""
    out = []
    for b in d.tables():
        for row in b.table.rows:
            texts = [c.text for c in row if c.merged_from is None]
            while texts and not texts[-1]:
                texts.pop()
            out.append(texts)
    return out
