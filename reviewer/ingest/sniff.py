"""Decide what a draft is from its bytes (the extension is only a tie-breaker)."""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_PDF_MAGIC = b"%PDF-"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_RTF_MAGIC = b"{\\rtf"
_ODT_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"
_OLE_WORD = ("WordDocument".encode("utf-16-le"), "WpsCustomData".encode("utf-16-le"))
_OLE_OTHER = {"Workbook": "Excel 工作簿（.xls）", "Book": "Excel 工作簿（.xls）",
              "PowerPoint Document": "PowerPoint 演示文稿（.ppt）"}
_HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|div|p)[\s>]", re.I)
_MD_TABLE_RE = re.compile(r"^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{3,}", re.M)


SUBMIT = ".docx、.doc、.wps、.pdf、.txt、.html 或 .md"
SUBMIT_EN = ".docx, .doc, .wps, .pdf, .txt, .html or .md"
# What a file that is not a draft is, by its first bytes: (magic, offset, 中文名, English name, hint).
_IMAGE_HINT = ("图片无法读取文字：请提交报告的原始文档；只有扫描件时请先做文字识别（OCR）",
               "an image has no text: submit the report's original document (OCR a scan first)")
_ARCHIVE_HINT = ("一次审核多份报告请用批量审核（reviewer batch、POST /v1/batches 或网页“批量审核”）",
                 "for several reports use a batch (reviewer batch, POST /v1/batches or the web batch page)")
_FOREIGN = (
    (b"\x89PNG\r\n\x1a\n", 0, "PNG 图片", "a PNG image", _IMAGE_HINT),
    (b"\xff\xd8\xff", 0, "JPEG 图片", "a JPEG image", _IMAGE_HINT),
    (b"GIF87a", 0, "GIF 图片", "a GIF image", _IMAGE_HINT),
    (b"GIF89a", 0, "GIF 图片", "a GIF image", _IMAGE_HINT),
    (b"II*\x00", 0, "TIFF 图片", "a TIFF image", _IMAGE_HINT),
    (b"MM\x00*", 0, "TIFF 图片", "a TIFF image", _IMAGE_HINT),
    (b"WEBP", 8, "WebP 图片", "a WebP image", _IMAGE_HINT),
    (b"\x1f\x8b", 0, "gzip 压缩包", "a gzip archive", _ARCHIVE_HINT),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z 压缩包", "a 7z archive", _ARCHIVE_HINT),
    (b"Rar!\x1a\x07", 0, "RAR 压缩包", "a RAR archive", _ARCHIVE_HINT),
    (b"MZ", 0, "Windows 程序（.exe/.dll）", "a Windows program", None),
    (b"\x7fELF", 0, "程序文件（ELF）", "an ELF program", None),
    (b"ID3", 0, "音频文件（MP3）", "an MP3 audio file", None),
    (b"ftyp", 4, "音频或视频文件（MP4）", "an MP4 audio/video file", None),
    (b"SQLite format 3\x00", 0, "SQLite 数据库", "an SQLite database", None),
)


def not_a_draft(label_zh: str, label_en: str, hint: tuple[str, str] | None = None) -> InputError:
    """The one message for a file of a known kind that is not a draft: what it is, what to send
    instead (the same text from the CLI, the API and the web)."""
    zh = f"这是{' ' if label_zh[:1].isascii() else ''}{label_zh}，不是报告文稿；请提交报告的 {SUBMIT} 文件"
    en = f"this is {label_en}, not a report; submit the report as {SUBMIT_EN}"
    if hint:
        zh, en = f"{zh}（{hint[0]}）", f"{en} ({hint[1]})"
    return InputError(errors.UNSUPPORTED, zh, en)


def _foreign(head: bytes) -> InputError | None:
    for magic, offset, zh, en, hint in _FOREIGN:
        if head[offset:offset + len(magic)] == magic:
            if magic == b"MZ" and b"PE\x00\x00" not in head[:1024]:
                continue  # "MZ" alone could begin a text
            if magic == b"WEBP" and not head.startswith(b"RIFF"):
                continue
            return not_a_draft(zh, en, hint)
    return None


def sniff_kind(data: bytes, filename: str) -> str:
    name = filename.lower()
    head = data[:4096]
    if head.startswith(_ZIP_MAGIC):
        if head[30:30 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE:  # OpenDocument keeps its mimetype first
            return "odt"
        return "docx"  # which zips are not Word documents: ingest.safety.open_docx_zip
    foreign = _foreign(head)
    if foreign is not None:
        raise foreign
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OOXML in data:  # a password-protected .docx is an OLE file holding this stream
            raise InputError(errors.UNSUPPORTED, "文件已设置密码保护，请取消密码后再提交",
                             "the document is password-protected (encrypted)")
        return _ole_kind(data, name)
    if _PDF_MAGIC in head[:1024]:  # the header may follow a few junk bytes
        return "pdf"
    if head.startswith(_RTF_MAGIC):
        return "rtf"
    if name.endswith((".md", ".markdown")):  # markdown may embed HTML; the name decides
        return "md"
    if name.endswith((".html", ".htm", ".xhtml")) or _HTML_RE.search(head.lstrip()[:1024]):
        return "html"
    if not name.endswith(".txt") and _MD_TABLE_RE.search(head.decode("utf-8", "ignore")):
        return "md"  # e.g. text posted to the API without a file name
    return "txt"


def _ole_kind(data: bytes, name: str) -> str:
    """Legacy Word (.doc) and WPS (.wps) files are OLE containers; Excel/PowerPoint are refused."""
    if not any(marker in data for marker in _OLE_WORD):
        for stream, label in _OLE_OTHER.items():
            if stream.encode("utf-16-le") in data:
                raise not_a_draft(label, f"a {stream} file (Excel/PowerPoint)")
    return "wps" if name.endswith(".wps") else "doc"
