"""Renderers: annotated drafts (.docx with Word comments, self-contained HTML) and batch summaries.

Imports are lazy so `reviewer review` without ``--format docx|html`` never loads them.
"""

from __future__ import annotations

from pathlib import Path

from reviewer.document import Document
from reviewer.findings import Review

ANNOTATED_FORMATS = ("docx", "html", "pdf")


class AnnotationUnavailable(ValueError):
    """The annotated form asked for cannot be made from this draft (e.g. pdf for a .docx)."""

    message_zh = "只有 PDF 原稿才能输出带批注的 PDF；请改用 docx 或 html 格式"
    message_en = "an annotated PDF can only be made from a PDF draft; use docx or html"


def annotate_pdf(original: bytes, doc: Document, review: Review) -> bytes:
    """The PDF draft with one highlight + comment (author 审核助手) per finding."""
    from reviewer.render.pdf_annotate import annotate_pdf as _impl

    return _impl(original, doc, review)


def annotate_docx(original: bytes, doc: Document, review: Review) -> bytes:
    from reviewer.render.docx_annotate import annotate_docx as _impl

    return _impl(original, doc, review)


def generate_docx(doc: Document, review: Review) -> bytes:
    from reviewer.render.docx_generate import generate_docx as _impl

    return _impl(doc, review)


def render_html(doc: Document, review: Review) -> str:
    from reviewer.render.html import render_html as _impl

    return _impl(doc, review)


def annotated_bytes(fmt: str, original: bytes | None, doc: Document, review: Review) -> bytes:
    """The annotated draft as bytes: ``docx`` keeps an original .docx, generates one otherwise.
    Characters no writer can hold are made visible first (``safe_text``)."""
    from reviewer.render.safe_text import safe_model

    doc, review = safe_model(doc), safe_model(review)
    if fmt == "html":
        return render_html(doc, review).encode("utf-8")
    if fmt == "docx":
        if doc.media_type == "docx" and original is not None:
            return annotate_docx(original, doc, review)
        return generate_docx(doc, review)
    if fmt == "pdf":
        if doc.media_type != "pdf" or original is None:
            raise AnnotationUnavailable(AnnotationUnavailable.message_en)
        return annotate_pdf(original, doc, review)
    raise ValueError(f"unknown annotated format {fmt!r}; expected one of {ANNOTATED_FORMATS}")


def write_annotated(fmt: str, path_in: str | Path | None, doc: Document, review: Review,
                    out_path: str | Path) -> Path:
    """Write the annotated draft of ``path_in`` to ``out_path`` (fmt: docx|html|pdf)."""
    keep = doc.media_type in ("docx", "pdf")  # formats annotated in place
    original = Path(path_in).read_bytes() if path_in is not None and keep else None
    out = Path(out_path)
    out.write_bytes(annotated_bytes(fmt, original, doc, review))
    return out


def default_output_path(path_in: str | Path, fmt: str) -> Path:
    """draft.docx → draft.审核.docx (next to the input)."""
    p = Path(path_in)
    return p.with_name(f"{p.stem}.审核.{fmt}")
