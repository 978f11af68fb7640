"""Guards that run before PDFium lays out an untrusted PDF.

* Compressed streams are inflated with a budget first, so a flate bomb (a few MB that
  expand to gigabytes) is refused instead of exhausting memory; the same pass looks for
  JavaScript hidden in compressed object streams.
* Documents with JavaScript actions are refused: a report has no use for them, and the
  annotated copy we hand back must not carry them to the reviewer's desktop.
* Arrays or dictionaries nested dozens of levels deep (a parser-stack attack) are refused.
* Password-protected (user password) PDFs are refused with a clear message; truncated or
  broken files that PDFium cannot repair are ``input.corrupt``.

PDFium is not thread-safe, so every use goes through ``PDFIUM_LOCK``.
"""

from __future__ import annotations

import re
import threading
import zlib

from reviewer import errors
from reviewer.errors import InputError

PDFIUM_LOCK = threading.RLock()
MAX_INFLATED = 400 * 1024 * 1024  # all compressed streams together, inflated
MAX_STREAMS = 200_000
_STREAM_RE = re.compile(rb"stream\r?\n")
_JS_RE = re.compile(rb"/JavaScript\b")  # every script action is /S /JavaScript; the names tree key is /JavaScript
_CHUNK = 1 << 20
_DEEP_ARRAY = re.compile(rb"\[(?:\s*\[){63}")  # real files nest a handful of levels; two patterns with a
_DEEP_DICT = re.compile(rb"<<(?:\s*<<){63}")  # literal first character keep the scan fast


def _malicious(zh: str, en: str) -> InputError:
    return InputError(errors.MALICIOUS, zh, en)


def vet_pdf_bytes(data: bytes) -> None:
    """Inflate every Flate stream within a budget; refuse bombs and embedded JavaScript."""
    if _JS_RE.search(data):
        raise _malicious("PDF 内含 JavaScript 脚本，出于安全考虑不予处理；请重新从 Word/WPS 导出 PDF",
                         "the PDF contains JavaScript")
    if _too_deep(data):
        raise _malicious("PDF 内对象嵌套过深，疑似恶意构造", "PDF objects nested too deep")
    budget = MAX_INFLATED
    count = 0
    for m in _STREAM_RE.finditer(data):
        count += 1
        if count > MAX_STREAMS:
            raise _malicious("PDF 内对象数量异常，疑似恶意构造", "abnormal number of streams in the PDF")
        start = m.end()
        if start >= len(data):
            break
        if data[start] & 0x0F != 8 or data[start] >> 4 > 7:
            continue  # not a zlib stream (images, fonts in other filters)
        end = data.find(b"endstream", start)
        chunk = data[start:end if end > 0 else len(data)]
        objects = b"/ObjStm" in data[max(0, m.start() - 512):m.start()]
        budget -= _inflate(chunk, budget, objects)
        if budget <= 0:
            raise _malicious("PDF 内压缩数据解压后过大，疑似压缩炸弹", "compressed streams inflate beyond the limit (bomb?)")


def _too_deep(data: bytes) -> bool:
    return bool(_DEEP_ARRAY.search(data) or _DEEP_DICT.search(data))


def _inflate(chunk: bytes, budget: int, objects: bool) -> int:
    """Bytes the stream inflates to (stops once over ``budget``); a stream that is not zlib counts 0.

    ``objects``: an object stream (/Type /ObjStm), whose inflated text is PDF objects and is
    searched like the file itself; other streams (page content, images) are only counted.
    """
    d = zlib.decompressobj()
    total = 0
    tail = b""
    data = chunk
    try:
        while data and total <= budget:
            out = d.decompress(data, _CHUNK)
            total += len(out)
            if objects and _too_deep(tail + out):
                raise _malicious("PDF 内对象嵌套过深，疑似恶意构造", "PDF objects nested too deep (in a compressed stream)")
            if objects and _JS_RE.search(tail + out):
                raise _malicious("PDF 内含 JavaScript 脚本，出于安全考虑不予处理；请重新从 Word/WPS 导出 PDF",
                                 "the PDF contains JavaScript (in a compressed object stream)")
            tail = out[-256:]
            data = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error:
        pass
    return total


def open_pdf(data: bytes):
    """(pypdfium2 PdfDocument, pypdfium2.raw) for vetted bytes; InputError for anything unusable."""
    vet_pdf_bytes(data)
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = raw.FPDF_GetLastError()
            if code == raw.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
                raise InputError(errors.UNSUPPORTED, "PDF 已设置打开密码（加密），请取消密码保护后再提交",
                                 "the PDF is password-protected (encrypted)") from exc
            if code == raw.FPDF_ERR_SECURITY:
                raise InputError(errors.UNSUPPORTED, "PDF 使用了不支持的加密方式，请取消加密后再提交",
                                 "unsupported PDF security handler") from exc
            raise InputError(errors.CORRUPT, "PDF 文件已损坏或不完整，无法打开",
                             f"the PDF is truncated or corrupt ({exc})") from exc
        try:
            if raw.FPDFDoc_GetJavaScriptActionCount(pdf.raw) > 0:
                raise _malicious("PDF 内含 JavaScript 脚本，出于安全考虑不予处理；请重新从 Word/WPS 导出 PDF",
                                 "the PDF contains JavaScript actions")
            if len(pdf) == 0:
                raise InputError(errors.CORRUPT, "PDF 文件没有页面，文件已损坏或不完整", "the PDF has no pages")
        except InputError:
            pdf.close()
            raise
    return pdf, raw


def check_pdf(data: bytes) -> None:
    """The cheap checks an upload gets before it is stored: vetted, opens, has pages, no password."""
    with PDFIUM_LOCK:
        pdf, _raw = open_pdf(data)
        pdf.close()
