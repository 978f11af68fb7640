"""A zip as units really send it: a report among a scan, a spreadsheet, a README, a zip inside
the zip, a .rar, and names written without the UTF-8 flag (GBK from Windows, UTF-8 from Linux).

``mixed_zip(draft)`` → (zip bytes, {shown name: expected row status}).
"""

from __future__ import annotations

import io

from batchgen import zip_files


def scan_pdf() -> bytes:
    """A page that is only an image, no text layer: what a scanner makes."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (400, 560), 255).save(out, "PDF")
    return out.getvalue()


# Placeholders of the same byte length as the real names, replaced in the raw zip so the names are
# stored as bare bytes without the UTF-8 flag (zipfile would set the flag for a non-ASCII name).
GBK_NAME, GBK_PLACEHOLDER = "财政局报告.txt", "GGGGGGGGGG.txt"  # 10 GBK bytes
UTF8_NAME, UTF8_PLACEHOLDER = "教育局.txt", "UUUUUUUUU.txt"  # 9 UTF-8 bytes


def mixed_zip(draft: bytes, other_draft: bytes) -> tuple[bytes, dict[str, str]]:
    inner = zip_files({"民政局.txt": draft})
    members = {
        GBK_PLACEHOLDER: draft,
        UTF8_PLACEHOLDER: other_draft,
        "扫描件.pdf": scan_pdf(),
        "统计表.xlsx": b"PK\x03\x04 not a workbook",
        "README": "本压缩包收集各部门2023年度报告。\n".encode(),
        "说明.md": "# 说明\n\n请各部门于1月31日前报送。\n".encode(),
        "补报.zip": inner,
        "旧稿.rar": b"Rar!\x1a\x07\x00",
        "__MACOSX/._扫描件.pdf": b"\x00",
    }
    raw = zip_files(members)
    assert len(GBK_NAME.encode("gbk")) == len(GBK_PLACEHOLDER) and len(UTF8_NAME.encode()) == len(UTF8_PLACEHOLDER)
    raw = raw.replace(GBK_PLACEHOLDER.encode(), GBK_NAME.encode("gbk")).replace(UTF8_PLACEHOLDER.encode(),
                                                                                 UTF8_NAME.encode())
    expected = {GBK_NAME: "done", UTF8_NAME: "done", "补报.zip/民政局.txt": "done",
                "扫描件.pdf": "failed", "旧稿.rar": "failed",
                "统计表.xlsx": "skipped", "README": "skipped", "说明.md": "skipped"}
    return raw, expected
