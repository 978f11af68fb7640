"""Every way a draft can be unusable ends in its stable error code — never a traceback.

Each case goes through ``reviewer.ingest.read_bytes`` (raises ``InputError``) and through
``reviewer.pipeline.review_bytes`` (returns a failed Review carrying the same code).
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import reportgen  # noqa: E402

from reviewer import errors  # noqa: E402
from reviewer.errors import InputError  # noqa: E402
from reviewer.ingest import read_bytes, read_path  # noqa: E402
from reviewer.pipeline import review_bytes, review_path  # noqa: E402


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return reportgen.to_docx(reportgen.consistent_spec(seed=2))


def _rezip(docx: bytes, replace: dict[str, bytes | None]) -> bytes:
    """Copy a .docx, replacing (bytes) or dropping (None) parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                continue
            dst.writestr(info.filename, src.read(info))
        for name, data in replace.items():
            if data is not None:
                dst.writestr(name, data)
    return out.getvalue()


def _mark_encrypted(data: bytes, name: str) -> bytes:
    """Set the “encrypted” flag of one entry (zipfile cannot write encrypted entries)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        offset = zf.getinfo(name).header_offset
    buf[offset + 6] |= 1  # local header: general purpose flags
    central = buf.find(b"PK\x01\x02", 0)
    while central != -1:
        (name_len,) = struct.unpack_from("<H", buf, central + 28)
        if buf[central + 46:central + 46 + name_len] == name.encode():
            buf[central + 8] |= 1
        central = buf.find(b"PK\x01\x02", central + 4)
    return bytes(buf)


def _zip_bomb(gib: float = 1.1) -> bytes:
    """A valid ~1 MB .docx-looking zip whose document.xml inflates to over 1 GiB.

    One 16 MiB run of zeros is deflated once, ending in a full flush, so the compressed
    segment can simply be repeated; the zip is then written by hand (no 1 GiB in memory).
    """
    chunk = bytes(1 << 24)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    n = int(gib * 64) + 1
    payload = segment * n + co.flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    entries = [("[Content_Types].xml", 0, b"<Types/>", zlib.crc32(b"<Types/>"), 8),
               ("word/document.xml", 8, payload, crc, n << 24)]
    out, central = io.BytesIO(), io.BytesIO()
    for name, method, data, crc32, size in entries:
        offset = out.tell()
        raw = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc32, len(data), size,
                              len(raw), 0) + raw + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc32, len(data),
                                  size, len(raw), 0, 0, 0, 0, 0, offset) + raw)
    cd = central.getvalue()
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cd), out.tell(), 0)
    return out.getvalue() + cd + eocd


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)


def _xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "本年新收政府信息公开申请数量"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def _many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(2001):
            zf.writestr(f"word/media/{i}.bin", b"")
    return out.getvalue()


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


CASES = {
    # name: (builder(good_docx) -> (bytes, filename), expected code)
    "empty": (lambda d: (b"", "a.txt"), errors.EMPTY),
    "whitespace": (lambda d: (b" \r\n\t \n", "a.txt"), errors.EMPTY),
    "fullwidth_spaces": (lambda d: ("\u3000\u3000\n".encode(), "a.txt"), errors.EMPTY),
    "random_bytes": (lambda d: (random.Random(0).randbytes(4096), "a.docx"), errors.BINARY),
    "png": (lambda d: (_png(), "report.txt"), errors.UNSUPPORTED),  # issue 17: a PNG is named as one
    "bom_claims_utf8_but_gbk": (lambda d: (b"\xef\xbb\xbf" + "二、主动公开".encode("gbk") * 50, "a.txt"),
                                errors.ENCODING),
    "utf16_bom_odd_length": (lambda d: (b"\xff\xfe" + "报告".encode("utf-16-le") + b"\x00\xd8\x41", "a.txt"),
                             errors.ENCODING),
    "truncated_docx": (lambda d: (d[: len(d) // 2], "a.docx"), errors.CORRUPT),
    "zip_bomb": (lambda d: (_zip_bomb(), "bomb.docx"), errors.MALICIOUS),
    "billion_laughs": (lambda d: (_rezip(d, {"word/document.xml": BILLION_LAUGHS}), "lol.docx"), errors.MALICIOUS),
    "entity_in_styles": (lambda d: (_rezip(d, {"word/styles.xml": BILLION_LAUGHS}), "lol.docx"), errors.MALICIOUS),
    "docx_without_document_xml": (lambda d: (_rezip(d, {"word/document.xml": None}), "a.docx"), errors.CORRUPT),
    "docx_with_broken_xml": (lambda d: (_rezip(d, {"word/document.xml": b"<w:document><w:body>"}), "a.docx"),
                             errors.CORRUPT),
    "encrypted_zip_entry": (lambda d: (_mark_encrypted(d, "word/document.xml"), "a.docx"),
                            errors.UNSUPPORTED),
    "path_traversal_entry": (lambda d: (_rezip(d, {"../../etc/evil.xml": b"<x/>"}), "a.docx"), errors.MALICIOUS),
    "too_many_entries": (lambda d: (_many_entries(), "a.docx"), errors.MALICIOUS),
    "xlsx_renamed_docx": (lambda d: (_xlsx(), "report.docx"), errors.UNSUPPORTED),
    # .odt and .doc go through LibreOffice (issue 9): broken ones fail to convert
    "odt": (lambda d: (_odt(), "report.docx"), errors.CONVERSION_FAILED),
    "legacy_doc": (lambda d: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"Word.Document.8", "a.doc"),
                   errors.CONVERSION_FAILED),
    "encrypted_ooxml": (lambda d: (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
                                   + "EncryptedPackage".encode("utf-16-le"), "a.docx"), errors.UNSUPPORTED),
    "pdf": (lambda d: (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "report.pdf"),
            errors.CORRUPT),  # a PDF without pages (PDF ingest: issue 9; more cases in test_ingest_pdf.py)
    "html_10k_nested_divs": (lambda d: (b"<html><body>" + b"<div>" * 10_000 + "正文".encode() + b"</div>" * 10_000
                                        + b"</body></html>", "deep.html"), errors.MALICIOUS),
    "html_without_text": (lambda d: (b"<html><head><title>t</title></head><body><script>x()</script></body></html>",
                                     "a.html"), errors.EMPTY),
    "docx_without_text": (lambda d: (reportgen_empty_docx(), "a.docx"), errors.EMPTY),
}


def reportgen_empty_docx() -> bytes:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_gives_its_error_code(name, good_docx):
    build, code = CASES[name]
    if code == errors.CONVERSION_FAILED:
        from lohelpers import SOFFICE

        if SOFFICE is None:
            pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer-nogui): "
                        ".odt/.doc cannot be converted, so a broken one cannot fail to convert")
    data, filename = build(good_docx)
    with pytest.raises(InputError) as exc:
        read_bytes(data, filename)
    assert exc.value.code == code, exc.value
    assert exc.value.message_zh and exc.value.message_en
    review = review_bytes(data, filename)
    assert review.status == "failed"
    assert review.error is not None and review.error.code == code
    assert review.error.message.startswith(exc.value.message_zh)  # Chinese first, English after


def test_200mb_file_is_refused_by_size_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    with pytest.raises(InputError) as exc:
        read_path(big)
    assert exc.value.code == errors.TOO_LARGE
    review = review_path(big)
    assert review.status == "failed" and review.error.code == errors.TOO_LARGE


def test_oversized_bytes_are_refused():
    with pytest.raises(InputError) as exc:
        read_bytes(b"a" * (20 * 1024 * 1024 + 1), "big.txt")
    assert exc.value.code == errors.TOO_LARGE


def test_missing_path():
    with pytest.raises(InputError) as exc:
        read_path("/nonexistent/draft.docx")
    assert exc.value.code == errors.NOT_FOUND


def test_text_that_is_not_a_report_is_still_a_document():
    doc = read_bytes("今天天气很好。\n我们去公园散步。\n".encode("gb18030"), "notes.txt")
    assert [b.text for b in doc.blocks] == ["今天天气很好。", "我们去公园散步。"]


def _pipeline_ready() -> bool:
    try:
        from reviewer.checks import run_checks  # noqa: F401
        from reviewer.extract import extract  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _pipeline_ready(), reason="extract/checks not in the tree yet")
def test_text_that_is_not_a_report_reviews_without_an_ingest_error():
    review = review_bytes("今天天气很好。\n我们去公园散步。\n".encode(), "notes.txt")  # extraction judges
    assert review.error is None or review.error.code == errors.NOT_A_REPORT


def test_a_directory_points_to_reviewer_batch(tmp_path):
    from reviewer.errors import InputError
    from reviewer.ingest import read_path

    try:
        read_path(tmp_path)
    except InputError as exc:
        assert exc.code == "input.is_directory" and "reviewer batch" in exc.message_zh
    else:
        raise AssertionError("a directory must not be read as a draft")
