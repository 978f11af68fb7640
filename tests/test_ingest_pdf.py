"""PDF drafts: the real WPS export read cell by cell, its geometry, and every bad-PDF class."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from reviewer import errors
from reviewer.errors import InputError
from reviewer.ingest import read_bytes, read_path
from reviewer.pipeline import ReviewOptions, review_bytes, review_path

REAL = Path(__file__).parent / "fixtures" / "real" / "huaian-2024.pdf"
# the key cells listed in tests/fixtures/real/README.md
KEY_CELLS = {
    "table3/new/total": 3119, "table3/carried/total": 34, "table3/disclosed/total": 1362,
    "table3/partial/total": 454, "table3/results_total/total": 3050, "table3/forward/total": 103,
    "table4/counts/review_total": 351, "table4/counts/direct_total": 26, "table4/counts/after_total": 20,
}


@pytest.fixture(scope="module")
def real_review():
    return review_path(REAL, ReviewOptions(use_llm=False))


def test_real_pdf_is_read_with_every_key_cell(real_review):
    r = real_review
    assert r.status == "ok", r.error
    assert r.report.year == 2024
    assert r.report.agency == "淮安市人民政府"
    assert (r.report.period.start, r.report.period.end) == ("2024-01-01", "2024-12-31")
    for key, value in KEY_CELLS.items():
        assert r.report.cells[key] == value, key
    # every cell of every table was read (175 in table 三, 15 in table 四, 10 in table 二)
    assert len(r.report.cells) == 200 and None not in r.report.cells.values()
    assert r.report.inferred_cells == []
    # cells beyond the key ones, from both pages of the split table 三
    assert r.report.cells["table3/disclosed/natural"] == 1288
    assert r.report.cells["table3/unavailable_create/total"] == 11  # first row on page 5
    assert r.report.cells["table3/other_no_fee/natural"] == 6  # a label wrapped over three lines
    assert r.report.cells["table2_1/normative/in_force"] == 66
    assert r.report.cells["table2_8/fees/amount"] == 96171.6
    assert not [f for f in r.findings if f.severity == "error"], [f.message for f in r.findings]


def test_real_pdf_document_structure():
    doc = read_path(REAL)
    assert doc.media_type == "pdf"
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert "- 4 -" not in doc.text and "-4-" not in doc.text  # page numbers dropped
    # a paragraph running over a page break is one paragraph
    assert any("答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复），均在法定期限内予以答复" in b.text
               for b in doc.blocks if b.kind == "paragraph")
    tables = [b for b in doc.blocks if b.kind == "table"]
    t3 = next(b for b in tables if "本年新收政府信息公开申请数量" in b.text)
    labels = {c.text for c in t3.table.cells()}
    assert "三、本年度办理结果" in labels  # the vertical label, one character per line in the PDF
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels  # a wrapped label
    assert {c.page for c in t3.table.cells()} == {4, 5}  # continued across the page break
    cell = next(c for c in t3.table.cells() if c.text == "3119")
    assert cell.page == 4 and cell.bbox is not None
    x0, top, x1, bottom = cell.bbox
    assert 0 < x0 < x1 <= 595 and 0 < top < bottom <= 842
    # every character of a cell has its box on the page
    assert all(doc._char_boxes[i] is not None for i in range(*cell.span))


def test_cli_json_and_show_tables():
    out = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(REAL), "--format", "json", "--no-llm"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    review = json.loads(out.stdout)["reviews"][0]
    assert review["status"] == "ok" and review["report"]["year"] == 2024
    assert all(review["report"]["cells"][k] == v for k, v in KEY_CELLS.items())
    text = subprocess.run([sys.executable, "-m", "reviewer.cli", "review", str(REAL), "--show-tables", "--no-llm"],
                          capture_output=True, text=True, timeout=120).stdout
    assert "【读取到的表格】" in text
    line = next(ln for ln in text.splitlines() if ln.strip().startswith("一、本年新收政府信息公开申请数量"))
    assert line.split()[-7:] == ["3001", "53", "0", "0", "61", "4", "3119"]


# -- bad PDFs ------------------------------------------------------------------

def _build(objs: list[bytes], root: int = 1) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + o + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _page(content: bytes, resources: bytes = b"<< >>", extra=(), catalog: bytes = b"") -> bytes:
    return _build([b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources
                   + b" /Contents 4 0 R >>",
                   b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream", *extra])


def _scanned() -> bytes:
    """A page that is one image and no text: what a scanner produces."""
    image = b"\x00\xff\xff\x00"
    return _page(b"q 400 0 0 400 100 300 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>",
                 [b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Length 4 >>\nstream\n" + image + b"\nendstream"])


def _encrypted(user_password: str) -> bytes:
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(REAL.read_bytes())))
    w.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _javascript() -> bytes:
    return _page(b"BT ET", extra=[b"<< /S /JavaScript /JS (app.alert(1);) >>"], catalog=b"/OpenAction 5 0 R ")


def _flate_bomb() -> bytes:
    """450 MB of zeros in well under 1 MB."""
    c = zlib.compressobj(9)
    z = b"".join(c.compress(bytes(1 << 20)) for _ in range(450)) + c.flush()
    return _page(b"BT ET", extra=[b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream"])


def _deep() -> bytes:
    return _page(b"BT ET", extra=[b"[" * 100_000 + b"]" * 100_000])


def _too_many_pages() -> bytes:
    w = PdfWriter()
    for _ in range(301):
        w.add_blank_page(595, 842)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _unmapped_font() -> bytes:
    """Text whose font maps every glyph into the private-use area: extractable, but garbage."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
            b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <E000> endbfrange "
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    content = b"BT /F1 12 Tf 72 700 Td (" + b"ABCDEFGHIJ" * 8 + b") Tj ET"
    return _build([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
                   b" /Contents 4 0 R >>",
                   b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                   b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                   b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"])


def _page_tree_loop() -> bytes:
    return _build([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1000000000 >>",
                   b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"])


BAD = {
    "scanned": (_scanned, errors.SCANNED_PDF),
    "blank_pages": (lambda: _page(b""), errors.SCANNED_PDF),
    "fonts_without_unicode": (_unmapped_font, errors.SCANNED_PDF),
    "user_password": (lambda: _encrypted("secret"), errors.UNSUPPORTED),
    "javascript": (_javascript, errors.MALICIOUS),
    "flate_bomb": (_flate_bomb, errors.MALICIOUS),
    "deep_nesting": (_deep, errors.MALICIOUS),
    "too_many_pages": (_too_many_pages, errors.TOO_LARGE),
    "page_tree_loop": (_page_tree_loop, errors.SCANNED_PDF),  # PDFium breaks the loop: no page with text
    "truncated_half": (lambda: REAL.read_bytes()[: REAL.stat().st_size // 2], errors.CORRUPT),
    "truncated_tail": (lambda: REAL.read_bytes()[: int(REAL.stat().st_size * 0.9)], errors.CORRUPT),
    "header_only": (lambda: b"%PDF-1.7\n%%EOF\n", errors.CORRUPT),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_pdf_gives_its_code_quickly(name):
    build, code = BAD[name]
    data = build()
    t0 = time.monotonic()
    with pytest.raises(InputError) as exc:
        read_bytes(data, f"{name}.pdf")
    assert time.monotonic() - t0 < 30
    assert exc.value.code == code, exc.value
    assert exc.value.message_zh and exc.value.message_en
    review = review_bytes(data, f"{name}.pdf", ReviewOptions(use_llm=False))
    assert review.status == "failed" and review.error.code == code


def test_scanned_pdf_says_how_to_fix_it():
    with pytest.raises(InputError) as exc:
        read_bytes(_scanned(), "scan.pdf")
    assert "没有文字层" in exc.value.message_zh and "OCR" in exc.value.message_zh


def test_owner_password_only_pdf_is_read():
    """Permissions-only encryption (no password to open) does not stop reading."""
    review = review_bytes(_encrypted(""), "restricted.pdf", ReviewOptions(use_llm=False))
    assert review.status == "ok" and review.report.cells["table3/new/total"] == 3119
