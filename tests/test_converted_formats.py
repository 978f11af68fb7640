"""The generated corpus as LibreOffice saves it — .pdf, .doc, .odt, .rtf — gives the .docx's findings.

Each report is built once as .docx (tests/reportgen.py); LibreOffice converts the whole corpus
in one run per target format. A PDF is then read by the PDF reader (geometry: tables from the
ruling, rows cut by page breaks); .doc/.odt/.rtf go back through LibreOffice to .docx.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from lohelpers import SOFFICE, convert_all
from reportgen import consistent_spec, to_docx
from reviewer import errors
from reviewer.errors import InputError
from reviewer.ingest import read_bytes
from reviewer.pipeline import ReviewOptions, review_bytes
from test_same_findings_across_formats import planted, signature

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
OPTIONS = ReviewOptions(use_llm=False)


def _corpus() -> dict[str, bytes]:
    out = {}
    for seed in range(8):  # clean reports: all-zero tables, busy tables, varied wording
        spec = consistent_spec(agency=f"某县第{seed}示例局", year=2022 + seed % 3, seed=seed, vary_wording=seed % 2 == 1)
        out[f"clean-{seed}.docx"] = to_docx(spec)
    for seed in (1, 2, 3):  # planted errors (see test_same_findings_across_formats)
        out[f"planted-{seed}.docx"] = to_docx(planted(seed))
    return out


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    return _corpus()


@pytest.fixture(scope="module")
def docx_reviews(corpus):
    return {name: review_bytes(data, name, OPTIONS) for name, data in corpus.items()}


@pytest.fixture(scope="module")
def pdfs(corpus):
    return convert_all(corpus, "pdf")


def test_corpus_is_what_it_claims(docx_reviews):
    for name, r in docx_reviews.items():
        assert r.status == "ok"
        assert bool(r.findings) == name.startswith("planted"), (name, [f.message for f in r.findings])


def test_every_report_as_pdf_gives_the_docx_findings(pdfs, docx_reviews):
    multi_page_tables = 0
    for name, pdf in pdfs.items():
        review = review_bytes(pdf, name.replace(".docx", ".pdf"), OPTIONS)
        base = docx_reviews[name]
        assert review.status == "ok", (name, review.error)
        assert signature(review) == signature(base), (name, signature(review) ^ signature(base))
        assert review.report.cells == base.report.cells, name
        assert (review.report.year, review.report.agency, review.report.period) == \
               (base.report.year, base.report.agency, base.report.period)
        # PDF findings are pinned on the page
        for f in review.findings:
            for loc in f.locations:
                if loc.table:
                    assert loc.page is not None and loc.bbox is not None, (name, f.rule_id)
        doc = read_bytes(pdf, "x.pdf")
        t3 = next(b for b in doc.blocks if b.kind == "table" and "本年新收政府信息公开申请数量" in b.text)
        multi_page_tables += len({c.page for c in t3.table.cells()}) > 1
    assert multi_page_tables == len(pdfs)  # table 三 always crosses a page break in these layouts


@pytest.mark.parametrize("target", ["doc", "odt", "rtf"])
def test_legacy_and_open_formats_give_the_docx_findings(target, corpus, docx_reviews):
    subset = {k: v for k, v in corpus.items() if k in ("clean-0.docx", "clean-3.docx", "planted-1.docx", "planted-2.docx")}
    for name, data in convert_all(subset, target).items():
        review = review_bytes(data, name.replace(".docx", f".{target}"), OPTIONS)
        assert review.status == "ok", (name, review.error)
        assert signature(review) == signature(docx_reviews[name]), name
        assert review.report.cells == docx_reviews[name].report.cells


def test_wps_file_is_converted_like_a_doc(corpus, docx_reviews):
    """WPS 文字 saves .wps in the Word 97 binary layout; the name says .wps."""
    doc_bytes = convert_all({"planted-1.docx": corpus["planted-1.docx"]}, "doc")["planted-1.docx"]
    review = review_bytes(doc_bytes, "draft.wps", OPTIONS)
    assert review.status == "ok"
    assert signature(review) == signature(docx_reviews["planted-1.docx"])


def test_annotated_pdf_has_one_comment_per_finding(pdfs, tmp_path):
    from reviewer.render import write_annotated

    name = "planted-1.docx"
    pdf = pdfs[name]
    src = tmp_path / "draft.pdf"
    src.write_bytes(pdf)
    doc = read_bytes(pdf, "draft.pdf")
    review = review_bytes(pdf, "draft.pdf", OPTIONS)
    assert review.findings
    out = write_annotated("pdf", src, doc, review, tmp_path / "draft.审核.pdf")
    annotated, original = PdfReader(out), PdfReader(io.BytesIO(pdf))
    assert len(annotated.pages) == len(original.pages)
    highlights = [a.get_object() for p in annotated.pages for a in (p.get("/Annots") or [])
                  if a.get_object()["/Subtype"] == "/Highlight"]
    # one per card: the failed relations a root cause explains are folded into its note
    cards = [(i, f) for i, f in enumerate(review.findings) if not f.derived_from]
    assert len(highlights) == len(cards) < len(review.findings)
    by_name = {str(hl["/NM"]): hl for hl in highlights}
    highlights = [by_name[f"reviewer-finding-{i + 1}"] for i, _ in cards]  # findings' order
    assert any("由此导致" in hl["/Contents"] for hl in highlights)
    for hl, (_, f) in zip(highlights, cards):
        assert hl["/T"] == "审核助手"
        assert f.message in hl["/Contents"]
        if f.suggestion:
            assert "建议：" + f.suggestion in hl["/Contents"]
        assert "/Popup" in hl and len(hl["/QuadPoints"]) % 8 == 0
    for a, b in zip(annotated.pages, original.pages):  # the page content is untouched
        assert a.extract_text() == b.extract_text()
    # a table finding's highlight sits on its cell (the root cause's: the cell to correct)
    root = next(f for f in review.findings if f.rule_id == "arithmetic.root_cause")
    i = [f for _, f in cards].index(root)
    loc = root.locations[0]
    assert loc.bbox
    page = annotated.pages[loc.page - 1]
    x0, y0, x1, y1 = (float(v) for v in highlights[i]["/Rect"])
    height = float(page.mediabox.top)
    assert x0 <= loc.bbox[0] + 0.5 and x1 >= loc.bbox[2] - 0.5
    assert y1 >= height - loc.bbox[1] - 0.5 and y0 <= height - loc.bbox[3] + 0.5


def test_annotated_pdf_needs_a_pdf_draft(corpus):
    from reviewer.render import AnnotationUnavailable, annotated_bytes

    data = corpus["planted-1.docx"]
    doc = read_bytes(data, "a.docx")
    with pytest.raises(AnnotationUnavailable):
        annotated_bytes("pdf", data, doc, review_bytes(data, "a.docx", OPTIONS))


def test_missing_libreoffice_names_the_package(corpus, monkeypatch, tmp_path):
    doc_bytes = convert_all({"clean-0.docx": corpus["clean-0.docx"]}, "doc")["clean-0.docx"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, no libreoffice
    monkeypatch.delenv("REVIEWER_SOFFICE", raising=False)
    with pytest.raises(InputError) as exc:
        read_bytes(doc_bytes, "old.doc")
    assert exc.value.code == errors.CONVERTER_MISSING
    assert "LibreOffice" in exc.value.message_zh and "libreoffice-writer" in exc.value.message_zh


def test_conversion_has_a_time_limit(corpus, monkeypatch):
    import time
    from pathlib import Path

    import tempfile

    import reviewer.ingest.convert as convert

    doc_bytes = convert_all({"clean-0.docx": corpus["clean-0.docx"]}, "doc")["clean-0.docx"]
    monkeypatch.setenv("REVIEWER_CONVERT_TIMEOUT", "0.3")
    marker = f"reviewer-lo-timeout-{id(corpus)}-"  # this test's conversion, not a parallel run's
    original = tempfile.TemporaryDirectory
    monkeypatch.setattr(convert.tempfile, "TemporaryDirectory", lambda prefix="": original(prefix=marker))
    t0 = time.monotonic()
    with pytest.raises(InputError) as exc:
        read_bytes(doc_bytes, "old.doc")
    assert exc.value.code == errors.CONVERSION_FAILED and "超时" in exc.value.message_zh
    assert time.monotonic() - t0 < 15
    # the killed LibreOffice left nothing behind (its command line names its temporary profile)
    left = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "cmdline").read_bytes():
                left.append(proc.name)
        except OSError:
            continue
    assert left == []


def test_header_rows_repeated_on_every_page_are_read_once():
    """Word's “repeat as header row”: LibreOffice prints table 三's header again on each page."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    data = to_docx(planted(2))
    wd = docx.Document(io.BytesIO(data))
    t3 = next(t for t in wd.tables if "本年新收政府信息公开申请数量" in "".join(c.text for c in t._cells))
    for row in t3.rows[:3]:
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(mark)
    out = io.BytesIO()
    wd.save(out)
    data = out.getvalue()
    pdf = convert_all({"r.docx": data}, "pdf")["r.docx"]
    assert sum("申请人情况" in (p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages) >= 2
    doc = read_bytes(pdf, "r.pdf")
    t3_block = next(b for b in doc.blocks if b.kind == "table" and "本年新收政府信息公开申请数量" in b.text)
    assert t3_block.text.count("申请人情况") == 1 and len({c.page for c in t3_block.table.cells()}) >= 2
    base, review = review_bytes(data, "r.docx", OPTIONS), review_bytes(pdf, "r.pdf", OPTIONS)
    assert signature(review) == signature(base) and review.report.cells == base.report.cells


def test_every_page_break_position_in_the_tables_reads_the_same():
    """Pushing the tables down a line at a time moves the page break through tables 二 and 三:
    rows cut in two, full-width caption rows at the top of a page, vertical labels cut apart."""
    import docx

    files = {}
    for kind, spec in (("clean", consistent_spec(agency="某县示例局", year=2024, seed=4, zero_applications=False)),
                       ("planted", planted(2))):
        base = to_docx(spec)
        for n in range(0, 28, 3):
            wd = docx.Document(io.BytesIO(base))
            anchor = next(p for p in wd.paragraphs if p.text.startswith("二、"))
            for _ in range(n):
                anchor.insert_paragraph_before("（补充说明）本段为版式测试而加，不含数字。")
            out = io.BytesIO()
            wd.save(out)
            files[f"{kind}-{n}.docx"] = out.getvalue()
    for name, pdf in convert_all(files, "pdf").items():
        base, review = review_bytes(files[name], name, OPTIONS), review_bytes(pdf, "r.pdf", OPTIONS)
        assert review.status == "ok", (name, review.error)
        assert signature(review) == signature(base), (name, signature(review) ^ signature(base))
        assert review.report.cells == base.report.cells, name
