"""bytes → Document. The format is sniffed from the content, not trusted from the name."""

from __future__ import annotations

import logging
from pathlib import Path

from reviewer import errors
from reviewer.document import Document
from reviewer.errors import InputError
from reviewer.ingest.sniff import sniff_kind

log = logging.getLogger(__name__)


def read_bytes(data: bytes, filename: str = "draft") -> Document:
    """Read one draft. Raises ``InputError`` (never anything else) for bad input."""
    from reviewer.settings import get_settings

    limit = get_settings().max_input_bytes
    if len(data) > limit:
        raise InputError(errors.TOO_LARGE, f"文件过大（{len(data) // 1024 // 1024} MB），上限为 {limit // 1024 // 1024} MB",
                         f"file too large ({len(data)} bytes; limit {limit})")
    from reviewer.ingest.text import bom_only

    if not data or not data.strip() or bom_only(data):  # a BOM alone is empty, whatever the extension
        raise InputError(errors.EMPTY, "文件为空", "the file is empty")
    kind = sniff_kind(data, filename)
    doc = _parse(kind, data, filename)
    from reviewer.ingest.limits import check_document

    check_document(doc)  # before extraction, the work that grows with the draft
    return doc


def _parse(kind: str, data: bytes, filename: str) -> Document:
    try:
        if kind == "docx":
            from reviewer.ingest.docx import read_docx
            return read_docx(data, filename)
        if kind == "pdf":
            from reviewer.ingest.pdf import read_pdf
            return read_pdf(data, filename)
        if kind in ("doc", "wps", "rtf", "odt"):
            from reviewer.ingest.convert import read_via_libreoffice
            return read_via_libreoffice(data, filename, kind)
        if kind == "html":
            from reviewer.ingest.html import read_html
            return read_html(data, filename)
        if kind == "md":
            from reviewer.ingest.markdown import read_markdown
            return read_markdown(data, filename)
        from reviewer.ingest.text import read_text
        return read_text(data, filename)
    except (InputError, MemoryError):
        raise  # MemoryError: the review's memory limit, reported by the pipeline
    except RecursionError as exc:  # pathological nesting
        raise InputError(errors.MALICIOUS, "文件结构嵌套过深，疑似恶意构造", "document nesting too deep") from exc
    except Exception as exc:  # any parser failure is an input problem, never a traceback
        if isinstance(exc, tuple(errors.INTERRUPTS)):
            raise
        log.info("could not parse %s: %s: %s", filename, type(exc).__name__, exc)
        log.debug("parser failure", exc_info=True)
        raise InputError(errors.CORRUPT, "文件已损坏或格式无法识别", "could not parse the file") from exc


def read_path(path: str | Path) -> Document:
    p = Path(path)
    if p.is_dir():
        raise InputError(errors.IS_DIRECTORY, f"{p} 是文件夹；审核整个文件夹请用 reviewer batch {p}",
                         f"{p} is a directory; use `reviewer batch` for folders")
    if not p.is_file():
        raise InputError(errors.NOT_FOUND, f"找不到文件：{p}", f"no such file: {p}")
    from reviewer.settings import get_settings

    limit = get_settings().max_input_bytes
    size = p.stat().st_size
    if size > limit:
        raise InputError(errors.TOO_LARGE, f"文件过大（{size // 1024 // 1024} MB），上限为 {limit // 1024 // 1024} MB",
                         f"file too large ({size} bytes; limit {limit})")
    return read_bytes(p.read_bytes(), p.name)
