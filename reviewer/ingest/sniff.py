"""Decide what a draft is from its bytes (the extension is only a tie-breaker)."""

from __future__ import annotations

import re

from reviewer import errors
from reviewer.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_PDF_MAGIC = b"%PDF-"
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_HTML_RE = re.compile(rb"<\s*(!doctype\s+html|html|head|body|table|div|p)[\s>]", re.I)
_MD_TABLE_RE = re.compile(r"^\s*\|.*\|\s*$\n^\s*\|?\s*:?-{3,}", re.M)


def sniff_kind(data: bytes, filename: str) -> str:
    name = filename.lower()
    head = data[:4096]
    if head.startswith(_ZIP_MAGIC):
        return "docx"
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_OOXML in data:  # a password-protected .docx is an OLE file holding this stream
            raise InputError(errors.UNSUPPORTED, "文件已设置密码保护，请取消密码后再提交",
                             "the document is password-protected (encrypted)")
        raise InputError(errors.UNSUPPORTED, "不支持旧版 .doc/.xls 文件，请另存为 .docx 后再提交",
                         "legacy .doc is not supported; save as .docx")
    if head.startswith(_PDF_MAGIC):
        raise InputError(errors.UNSUPPORTED, "暂不支持 PDF，请提交 .docx、.txt、.html 或 .md",
                         "PDF is not supported yet; submit .docx, .txt, .html or .md")
    if name.endswith((".md", ".markdown")):  # markdown may embed HTML; the name decides
        return "md"
    if name.endswith((".html", ".htm", ".xhtml")) or _HTML_RE.search(head.lstrip()[:1024]):
        return "html"
    if not name.endswith(".txt") and _MD_TABLE_RE.search(head.decode("utf-8", "ignore")):
        return "md"  # e.g. text posted to the API without a file name
    return "txt"
