"""The feedback package (issue 16): annotated drafts named 单位-年度-审核意见.docx/.pdf and the
修改意见通知单, which LibreOffice opens; its pages are rendered to images for a person to look at."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from reviewer.findings import Finding, Location
from reviewer.pipeline import ReviewOptions, review_bytes
from reviewer.render.notice import Notice, NoticeUnit, cn_ordinal, item_text, notice_docx, where
from reviewer.render.package import NOTICE_NAME, PackageDraft, feedback_zip, safe_name

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "wuhai-gxj-2023.txt"
REAL_PDF = ROOT / "tests" / "fixtures" / "real" / "huaian-2024.pdf"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM, PDFTOTEXT = shutil.which("pdftoppm"), shutil.which("pdftotext")


def _review(data: bytes, name: str):
    return review_bytes(data, name, ReviewOptions(use_llm=False))


@pytest.fixture(scope="module")
def drafts():
    from reportgen import consistent_spec, to_docx

    txt = SAMPLE.read_bytes()
    docx_draft = to_docx(consistent_spec(agency="乌海市财政局", year=2023, seed=4, zero_applications=False))
    pdf = REAL_PDF.read_bytes()
    return [
        PackageDraft("乌海市工业和信息化局", "gxj.txt", txt, _review(txt, "gxj.txt")),
        PackageDraft("乌海市财政局", "财政局.docx", docx_draft, _review(docx_draft, "财政局.docx")),
        PackageDraft("淮安市", "huaian.pdf", pdf, _review(pdf, "huaian.pdf")),
        PackageDraft("", "扫描件.pdf", None, None, reason="这份 PDF 没有文字层",
                     advice="请提交带文字层的 PDF 或原始 Word 文件"),
    ]


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_the_package_holds_each_annotated_draft_and_the_notice(drafts):
    raw = feedback_zip(drafts, "乌海市人民政府办公室", date(2024, 1, 20), date(2024, 1, 27))
    z = zipfile.ZipFile(io.BytesIO(raw))
    names = set(z.namelist())
    assert names == {"乌海市工业和信息化局-2023-审核意见.docx", "乌海市财政局-2023-审核意见.docx",
                     "淮安市-2024-审核意见.pdf", NOTICE_NAME}
    # the .txt draft: a generated .docx, one Word comment per finding
    gxj = drafts[0].review
    comments = docx.Document(io.BytesIO(z.read("乌海市工业和信息化局-2023-审核意见.docx"))).comments
    from reviewer.render.anchors import cards

    assert len(list(comments)) == len(cards(gxj.findings))  # one comment per card (relations fold under their root cause)
    assert z.read("淮安市-2024-审核意见.pdf").startswith(b"%PDF")
    notice = _text(z.read(NOTICE_NAME))
    errors = [f for f in gxj.findings if f.severity == "error"]
    assert notice.count("修改意见通知单") == 4  # one notice per unit, each on its own page
    for unit in ("乌海市工业和信息化局：", "乌海市财政局：", "淮安市：", "报送“扫描件.pdf”的单位："):
        assert unit in notice
    assert f"存在必须修改的问题{len(errors)}个" in notice
    assert "一、必须修改的问题" in notice
    for i, f in enumerate(errors, 1):
        assert f"{i}．{item_text(f)}" in notice
    assert "请于2024年1月27日前重新报送" in notice and "于2024年1月27日前将修改后的报告重新报送" in notice
    assert "请提交带文字层的 PDF 或原始 Word 文件" in notice
    assert "乌海市财政局：\n经审核，你单位报送的2023年度政府信息公开工作年度报告未发现需要修改的问题。\n\n" in notice
    assert notice.count("乌海市人民政府办公室") == 4 and notice.count("2024年1月20日") == 4


def test_the_notice_is_laid_out_as_a_gongwen():
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    f = Finding(rule_id="table3.balance", category="arithmetic", severity="error", message="本年新收与上年结转之和不等于办理结果与结转之和",
                locations=[Location(section="三", table="table3", row="new", column="total", label="一、本年新收 / 总计")],
                expected="12", actual="13", suggestion="核对表三")
    review = _review(SAMPLE.read_bytes(), "x.txt").model_copy(update={"findings": [f]})
    d = docx.Document(io.BytesIO(notice_docx(Notice("某市政务公开办", date(2025, 1, 20), date(2025, 1, 27), 2024,
                                                   [NoticeUnit("某局", "a.txt", review)]))))
    sec = d.sections[0]
    mm = [round(x.mm) for x in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin, sec.left_margin,
                                sec.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]  # A4, margins of GB/T 9704
    paras = d.paragraphs
    title = paras[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.name == "方正小标宋简体"
    heading = next(p for p in paras if p.text == "一、必须修改的问题")
    assert heading.runs[0].font.name == "黑体"
    item = next(p for p in paras if p.text.startswith("1．"))
    assert item.runs[0].font.name == "仿宋"
    assert item.text == "1．位置：第三部分 表格“一、本年新收 / 总计”；问题：本年新收与上年结转之和不等于办理结果与结转之和（应为12，实为13）。修改建议：核对表三。"
    assert paras[-2].text == "某市政务公开办" and paras[-1].text == "2025年1月20日"
    assert paras[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "PAGE" in sec.footer.paragraphs[0]._element.xml


def test_names_and_numbers():
    assert safe_name('a/b\\c:"d"*?<>|\x01 e') == "a_b_c_d_ e"
    assert [cn_ordinal(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]
    assert where(Finding(rule_id="x", category="format", severity="info", message="m")) == "全文"
    assert where(Finding(rule_id="x", category="format", severity="info", message="m",
                         locations=[Location(page=3, section="五", text="下一步，我们将")])) == "第3页 第五部分 “下一步，我们将”"


@pytest.mark.skipif(not (SOFFICE and PDFTOPPM and PDFTOTEXT), reason="needs LibreOffice and poppler-utils")
def test_libreoffice_opens_the_notice_and_renders_its_pages(drafts, tmp_path):
    raw = feedback_zip(drafts, "乌海市人民政府办公室", date(2024, 1, 20), date(2024, 1, 27))
    src = tmp_path / "通知单.docx"
    src.write_bytes(zipfile.ZipFile(io.BytesIO(raw)).read(NOTICE_NAME))
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "通知单.pdf"
    assert pdf.is_file(), proc.stderr
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    flat = "".join(text.split())
    assert flat.count("修改意见通知单") == 4
    assert "乌海市工业和信息化局：" in flat and "一、必须修改的问题" in flat and "1．位置：" in flat
    assert "请提交带文字层的PDF或原始Word文件" in flat and "2024年1月27日前" in flat
    assert flat.count("—1—") == 4  # page numbers in the footer, from 1 in each unit's notice
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    subprocess.run([PDFTOPPM, "-r", "70", "-png", str(pdf), str(out / "notice-page")], check=True, timeout=120)
    pages = sorted(out.glob("notice-page-*.png"))
    assert len(pages) >= 4  # one notice a unit, each from a new page


def test_the_workers_annotated_drafts_go_in_as_they_are_without_reading_a_draft(drafts, monkeypatch):
    """The service passes the worker's bytes (issue 17): the package neither reads nor renders a draft."""
    import reviewer.ingest
    import reviewer.render

    def refuse(*_args, **_kwargs):
        raise AssertionError("a draft was read or rendered while building the package")

    monkeypatch.setattr(reviewer.ingest, "read_bytes", refuse)
    monkeypatch.setattr(reviewer.render, "annotated_bytes", refuse)
    made = PackageDraft("乌海市工业和信息化局", "gxj.txt", None, drafts[0].review, annotated=("docx", b"PK-made-by-worker"))
    failed = PackageDraft("乌海市财政局", "财政局.docx", None, drafts[1].review)  # the worker could not annotate it
    z = zipfile.ZipFile(io.BytesIO(feedback_zip([made, failed], "乌海市人民政府办公室", date(2024, 1, 20))))
    assert sorted(z.namelist()) == ["乌海市工业和信息化局-2023-审核意见.docx", NOTICE_NAME]
    assert z.read("乌海市工业和信息化局-2023-审核意见.docx") == b"PK-made-by-worker"
    assert "乌海市财政局" in _text(z.read(NOTICE_NAME))  # still in the notice
