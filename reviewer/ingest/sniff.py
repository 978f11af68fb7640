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


def sniff_kind(data: bytes, filename: str) -> str:
    name = filename.lower()
    head = data[:4096]
    if head.startswith(_ZIP_MAGIC):
        if head[30:30 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE:  # OpenDocument keeps its mimetype first
            return "odt"
        return "docx"
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
                raise InputError(errors.UNSUPPORTED, f"这是{label}，不是报告文稿；请提交 .docx、.doc、.wps、.pdf、.txt、.html 或 .md",
                                 f"not a word-processing document ({stream} stream)")
    return "wps" if name.endswith(".wps") else "doc"
