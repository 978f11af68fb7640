"""Issue 17, in-process: control characters in every writer (item 6), line endings and form
feeds (item 10), and error codes/messages that match the file (item 11)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from hostile_drafts import SAMPLE, long_prose
from reviewer.pipeline import ReviewOptions, review_bytes

OPTS = ReviewOptions(use_llm=False)
CONTROL = [chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + ["\ufffe", "\uffff"]


def review(data: bytes | str, name: str = "draft.txt"):
    return review_bytes(data.encode("utf-8") if isinstance(data, str) else data, name, OPTS)


def rule_ids(r) -> set[str]:
    return {f.rule_id for f in r.findings}


def _with_controls(text: str) -> str:
    """Every control character once: in the title line, a paragraph or a table cell (a few
    stray characters in a long draft: the reader accepts it as text)."""
    lines = long_prose(300).split("\n")
    third = len(CONTROL) // 3
    lines[0] = lines[0] + "".join(CONTROL[:third])
    i = next(k for k, line in enumerate(lines) if "本年新收" in line)
    lines[i] = lines[i] + "".join(CONTROL[third:2 * third])
    j = next(k for k, line in enumerate(lines) if line.startswith("一、"))
    lines[j + 1] = "".join(CONTROL[2 * third:]) + lines[j + 1]
    return "\n".join(lines)


# -- item 6: every writer accepts what the reader accepted ------------------------------------
@pytest.mark.parametrize("name,wrap", [("draft.txt", lambda t: t),
                                       ("draft.md", lambda t: t),
                                       ("draft.html", lambda t: "<html><body>" + "".join(
                                           f"<p>{line}</p>" for line in t.split("\n")) + "</body></html>")])
def test_control_characters_reach_every_writer(name, wrap):
    import docx
    import openpyxl

    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes
    from reviewer.render.summary import csv_text, overview_html, xlsx_bytes

    data = wrap(_with_controls(SAMPLE)).encode("utf-8")
    doc = read_bytes(data, name)
    r = review(data, name)
    assert r.status == "ok", r.error
    out = annotated_bytes("docx", data, doc, r)
    wd = docx.Document(io.BytesIO(out))  # a valid .docx Word can open
    assert wd.paragraphs
    assert b"w:comment" in zipfile.ZipFile(io.BytesIO(out)).read("word/comments.xml")
    html = annotated_bytes("html", data, doc, r).decode("utf-8")
    assert not any(ch in html for ch in CONTROL)
    openpyxl.load_workbook(io.BytesIO(xlsx_bytes([r])))
    for kind in ("reports", "findings"):
        assert not any(ch in csv_text([r], kind) for ch in CONTROL)
    assert not any(ch in overview_html([r]) for ch in CONTROL)


def test_control_characters_in_findings_reach_the_xlsx_and_docx():
    """A finding whose message quotes a control character (e.g. an LLM quote) is written too."""
    import docx
    import openpyxl

    from reviewer.findings import Finding
    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes
    from reviewer.render.summary import xlsx_bytes

    data = SAMPLE.encode("utf-8")
    doc = read_bytes(data, "draft.txt")
    r = review(data)
    junk = "".join(CONTROL)
    f = r.findings[0]
    r.findings.append(Finding(**{**f.model_dump(), "message": "引文" + junk, "suggestion": junk,
                                 "evidence": [junk], "expected": junk}))
    docx.Document(io.BytesIO(annotated_bytes("docx", data, doc, r)))
    openpyxl.load_workbook(io.BytesIO(xlsx_bytes([r])))


def test_cli_annotated_docx_of_a_draft_with_control_characters(tmp_path):
    src = tmp_path / "控制字符.txt"
    src.write_text(_with_controls(SAMPLE), encoding="utf-8")
    out = tmp_path / "out.docx"
    p = subprocess.run([sys.executable, "-m", "reviewer", "review", str(src), "--no-llm", "--format", "docx",
                        "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode in (0, 1), p.stderr
    assert zipfile.ZipFile(out).testzip() is None


def test_pdf_writer_accepts_control_characters_in_comments():
    """The annotated PDF: a finding text with control characters is written (PDF comments are text)."""
    from pathlib import Path

    from reviewer.findings import Finding
    from reviewer.ingest import read_bytes
    from reviewer.render import annotated_bytes

    pdf = sorted((Path(__file__).resolve().parents[1] / "fixtures").rglob("*.pdf"))
    if not pdf:
        pytest.skip("no PDF fixture")
    data = pdf[0].read_bytes()
    doc = read_bytes(data, pdf[0].name)
    r = review(data, pdf[0].name)
    f = review(SAMPLE).findings[0]  # a finding without a place in this PDF: commented on page 1
    r.findings.append(Finding(**{**f.model_dump(), "locations": [], "message": "引文" + "".join(CONTROL)}))
    out = annotated_bytes("pdf", data, doc, r)
    assert out.startswith(b"%PDF")


# -- item 10: line endings and page breaks -----------------------------------------------------
def _baseline():
    return review(SAMPLE)


@pytest.mark.parametrize("eol", ["\r\r\n", "\n\r", "\r\n", "\r"])
def test_converted_line_endings_keep_every_table(eol):
    base = _baseline()
    r = review(SAMPLE.replace("\n", eol))
    assert r.status == "ok", r.error
    assert "format.table_unreadable" not in rule_ids(r)
    assert r.report.cells == base.report.cells
    assert sorted(rule_ids(r)) == sorted(rule_ids(base))


@pytest.mark.parametrize("brk", ["\f", "\v", "\n\f", "\f\n"])
def test_form_feed_and_vertical_tab_used_as_line_breaks(brk):
    base = _baseline()
    text = SAMPLE.replace("\n", brk) if brk in ("\f", "\v") else SAMPLE.replace("\n\n\n", "\n\n" + brk)
    r = review(text)
    assert r.status == "ok", r.error
    assert r.report.cells == base.report.cells


@pytest.mark.parametrize("brk", ["\f", "\v"])
def test_form_feed_in_a_gb18030_draft(brk):
    r = review(SAMPLE.replace("\n", brk).encode("gb18030"))
    assert r.status == "ok", r.error
    assert r.report.cells == _baseline().report.cells


def test_markdown_line_endings():
    md = ("# 某局2023年政府信息公开工作年度报告\n\n"
          "| 项目 | 数 |\n|---|---|\n| a | 1 |\n")
    from reviewer.ingest import read_bytes

    plain = read_bytes(md.encode(), "a.md")
    for eol in ("\r\r\n", "\n\r", "\f"):
        doc = read_bytes(md.replace("\n", eol).encode(), "a.md")
        assert [b.kind for b in doc.blocks] == [b.kind for b in plain.blocks]


# -- item 11: error codes and messages that match the file --------------------------------------
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200) + b"\xff\xd9"


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["本年新收", 3])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


# (file name, bytes, words the one message for its kind must hold)
WRONG_FILES = [
    ("图.png", PNG, "PNG 图片"),
    ("照片.jpg", JPEG, "JPEG 图片"),
    ("改名的图片.docx", PNG, "PNG 图片"),
    ("改名的图片.txt", PNG, "PNG 图片"),
    ("数据.xlsx", _xlsx(), "Excel 工作簿（.xlsx）"),
    ("数据改名.docx", _xlsx(), "Excel 工作簿（.xlsx）"),
    ("演示.pptx", _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "PowerPoint"),
    ("多份报告.zip", _zip({"a.txt": SAMPLE.encode(), "b.txt": SAMPLE.encode()}), "zip 压缩包"),
    ("压缩.gz", b"\x1f\x8b\x08\x00" + bytes(100), "gzip 压缩包"),
]


@pytest.mark.parametrize("name,data,words", WRONG_FILES, ids=[w[0] for w in WRONG_FILES])
def test_a_wrong_file_gets_one_message_for_its_kind(name, data, words):
    from reviewer.errors import InputError
    from reviewer.ingest import read_bytes

    with pytest.raises(InputError) as exc:
        read_bytes(data, name)
    assert exc.value.code == "input.unsupported_type"
    assert words in exc.value.message_zh and "不是报告文稿" in exc.value.message_zh
    assert "请提交报告的" in exc.value.message_zh and ".docx" in exc.value.message_zh


def _nested_tables_docx(depth: int) -> bytes:
    import docx

    wd = docx.Document()
    wd.add_paragraph("某局2023年政府信息公开工作年度报告")
    buf = io.BytesIO()
    wd.save(buf)
    parts = {i.filename: zipfile.ZipFile(io.BytesIO(buf.getvalue())).read(i) for i in
             zipfile.ZipFile(io.BytesIO(buf.getvalue())).infolist()}
    inner = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    body = parts["word/document.xml"].decode()
    parts["word/document.xml"] = body.replace("<w:sectPr", inner + "<w:sectPr", 1).encode()
    return _zip(parts)


def test_tables_nested_100_deep_are_malicious():
    from reviewer.errors import InputError
    from reviewer.ingest import read_bytes

    with pytest.raises(InputError) as exc:
        read_bytes(_nested_tables_docx(100), "深.docx")
    assert exc.value.code == "input.malicious"
    assert "嵌套" in exc.value.message_zh


def test_tables_nested_a_few_deep_are_read():
    from reviewer.ingest import read_bytes

    doc = read_bytes(_nested_tables_docx(3), "浅.docx")
    assert any(b.kind == "table" for b in doc.blocks)


def test_the_web_failure_text_is_chinese_only():
    from reviewer.web.views import failure_text

    notes = "会议纪要\n时间：2024年3月1日\n参会人员：张三、李四\n会议议定：下周提交材料。\n"
    r = review(notes, "会议纪要.txt")
    assert r.status == "failed" and r.error.code == "input.not_a_report"
    text = failure_text(r.model_dump(mode="json"))
    shown = text["title"] + text["detail"]
    assert "年度报告" in shown and "input." not in shown
    assert not any("a" <= ch.lower() <= "z" for ch in shown)
    corrupt = failure_text({"error": {"code": "input.corrupt", "message": "文件已损坏（第 3 页）（could not parse the file）"}})
    assert corrupt["detail"] == "文件已损坏（第 3 页）"


# -- item 7: PDF limits checked per page and inside a page --------------------------------------
@pytest.fixture
def limits(monkeypatch):
    from reviewer.settings import get_settings

    def apply(**values):
        for k, v in values.items():
            monkeypatch.setenv(f"REVIEWER_{k.upper()}", str(v))
        get_settings.cache_clear()
    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_300_page_pdf_over_the_cell_limit_is_refused_after_a_few_pages(limits, monkeypatch):
    from pdfgen import grid_content, pdf_of
    from reviewer.errors import InputError
    from reviewer.ingest import pdf_layout, read_bytes

    data = pdf_of(300, grid_content(20))  # 400 cells a page, 120,000 in all
    limits(max_table_cells=1000)
    seen = []
    real = pdf_layout.read_page
    monkeypatch.setattr(pdf_layout, "read_page", lambda *a, **k: seen.append(1) or real(*a, **k))
    with pytest.raises(InputError) as exc:
        read_bytes(data, "300页.pdf")
    assert exc.value.code == "input.too_large" and "单元格" in exc.value.message_zh
    assert len(seen) <= 3  # refused at the page that crossed the limit, not after all 300


def test_one_page_of_too_much_text_is_refused_inside_the_page(monkeypatch):
    from pdfgen import pdf_of, text_content
    from reviewer.errors import InputError
    from reviewer.ingest import pdf, pdf_layout, read_bytes

    monkeypatch.setattr(pdf, "MAX_CHARS", 5000)
    built = []

    class Counted(pdf_layout.Char):
        def __init__(self, *a, **k):
            built.append(1)
            super().__init__(*a, **k)

    monkeypatch.setattr(pdf_layout, "Char", Counted)
    with pytest.raises(InputError) as exc:
        read_bytes(pdf_of(1, text_content(40_000)), "长页.pdf")
    assert exc.value.code == "input.malicious"
    assert len(built) < 10_000  # stopped inside the page, not after its 40,000 characters


def test_a_page_of_a_huge_grid_is_refused_before_the_grid_is_built(limits, monkeypatch):
    from pdfgen import grid_content, pdf_of
    from reviewer.errors import InputError
    from reviewer.ingest import pdf_layout, read_bytes

    limits(max_table_cells=1000)
    grids = []
    real = pdf_layout._grid
    monkeypatch.setattr(pdf_layout, "_grid", lambda *a, **k: grids.append(1) or real(*a, **k))
    with pytest.raises(InputError) as exc:
        read_bytes(pdf_of(1, grid_content(40, cell=12.0, top=820.0, x0=20.0)), "大表.pdf")  # 1,600 cells
    assert exc.value.code == "input.too_large"
    assert not grids
