"""A copy of a PDF draft with each finding marked: one highlight + comment per finding.

The highlight covers the finding's cell or sentence (its character boxes, line by line)
and carries the comment itself (author 审核助手; message, 应为/实为, 建议, rule id), with a
popup, as PDF viewers (Acrobat, WPS, Foxit, browsers) show comments. A finding with
several places on one page gets one highlight with several quads; places on other pages
are named in the comment. A finding with no place on the page (a missing section) is
pinned on the title and says so. The original pages are copied unchanged (pypdf).
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from reviewer.document import Document
from reviewer.findings import Finding, Location, Review
from reviewer.render.anchors import AUTHOR, cards, comment_text

_COLOURS = {"error": "ff6b6b", "warning": "ffd43b", "info": "74c0fc"}
Rect = tuple[float, float, float, float]  # x0, top, x1, bottom (points from the page's top-left)


def annotate_pdf(original: bytes, doc: Document, review: Review) -> bytes:
    """The annotated PDF's bytes. ``doc`` is the Document read from ``original``."""
    from pypdf import PdfReader, PdfWriter

    boxes = doc._char_boxes
    if boxes is None:  # a Document restored from storage: read the geometry again
        from reviewer.ingest.pdf import read_pdf_layout

        boxes = read_pdf_layout(original, doc.source).boxes
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    stamp = datetime.now(timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
    for card in cards(review.findings):  # failed relations a root cause explains are folded into its note
        index, finding = card.index, card.finding
        page, rects, note = _target(finding, doc, boxes)
        if page is None or not 1 <= page <= len(writer.pages):
            continue
        text = comment_text(finding)
        if card.derived:
            text += f"\n由此导致{len(card.derived)}条勾稽关系不成立：" + "；".join(d.message for d in card.derived)
        _add(writer, page - 1, rects, note + text, finding.severity, index, stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _line_rects(boxes: list, span: tuple[int, int]) -> tuple[int | None, list[Rect]]:
    """Rectangles of the span's characters on the page where it starts, one per text line."""
    found = [b for b in boxes[span[0]:span[1]] if b is not None]
    if not found:
        return None, []
    page = found[0][0]
    rects: list[list[float]] = []
    for _, x0, top, x1, bottom in (b for b in found if b[0] == page):
        last = rects[-1] if rects else None
        if last is not None and abs(top - last[1]) < 0.5 * (bottom - top) and x0 >= last[0] - 1:
            last[2], last[3] = max(last[2], x1), max(last[3], bottom)
            last[1] = min(last[1], top)
        else:
            rects.append([x0, top, x1, bottom])
    return page, [tuple(r) for r in rects]


def _place(loc: Location, doc: Document, boxes: list) -> tuple[int | None, list[Rect]]:
    if loc.table and loc.page is not None and loc.bbox is not None:
        return loc.page, [loc.bbox]  # a table cell: its whole box
    if loc.span and loc.span[1] > loc.span[0]:
        page, rects = _line_rects(boxes, loc.span)
        if page is not None:
            return page, rects
    if loc.page is not None and loc.bbox is not None:
        return loc.page, [loc.bbox]
    return None, []


def _target(f: Finding, doc: Document, boxes: list) -> tuple[int | None, list[Rect], str]:
    placed = [p for p in (_place(loc, doc, boxes) for loc in f.locations) if p[0] is not None]
    if placed:
        page = placed[0][0]
        rects = [r for pg, rs in placed if pg == page for r in rs]
        others = sorted({pg for pg, _ in placed if pg != page})
        note = f"（另见第{'、'.join(map(str, others))}页）" if others else ""
        return page, rects, note
    # no place on the page: pin it on the title (the first text block)
    first = next((b for b in doc.blocks if b.kind != "table" and b.text.strip()), None)
    if first is None:
        return None, [], ""
    page, rects = _line_rects(boxes, first.span)
    return page, rects, "（未能在原文中精确定位）" if f.locations else ""


def _add(writer, page_index: int, rects: list[Rect], text: str, severity: str, index: int, stamp: str) -> None:
    from pypdf.annotations import Highlight, Popup
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject, TextStringObject

    page = writer.pages[page_index]
    box = page.mediabox
    left, top_y = float(box.left), float(box.top)
    quads: list[float] = []
    pdf_rects = []
    for x0, top, x1, bottom in rects:
        X0, X1 = left + x0, left + x1
        Y1, Y0 = top_y - top, top_y - bottom  # top-left origin → PDF's bottom-left origin
        pdf_rects.append((X0, Y0, X1, Y1))
        quads += [X0, Y1, X1, Y1, X0, Y0, X1, Y0]
    rect = (min(r[0] for r in pdf_rects), min(r[1] for r in pdf_rects),
            max(r[2] for r in pdf_rects), max(r[3] for r in pdf_rects))
    hl = Highlight(rect=rect, quad_points=ArrayObject(FloatObject(round(q, 2)) for q in quads),
                   highlight_color=_COLOURS.get(severity, "ffd43b"), printing=True)
    hl[NameObject("/T")] = TextStringObject(AUTHOR)
    hl[NameObject("/Contents")] = TextStringObject(text)
    hl[NameObject("/NM")] = TextStringObject(f"reviewer-finding-{index + 1}")
    hl[NameObject("/M")] = TextStringObject(stamp)
    hl[NameObject("/CreationDate")] = TextStringObject(stamp)
    hl[NameObject("/Subj")] = TextStringObject("审核意见")
    hl[NameObject("/CA")] = FloatObject(0.6)
    ref = writer.add_annotation(page_number=page_index, annotation=hl)
    popup_rect = (min(rect[2] + 4, float(box.right) - 180), max(rect[1] - 100, float(box.bottom)),
                  min(rect[2] + 184, float(box.right)), max(rect[1], float(box.bottom) + 100))
    popup = Popup(rect=popup_rect, parent=ref, open=False)
    popup_ref = writer.add_annotation(page_number=page_index, annotation=popup)
    ref.get_object()[NameObject("/Popup")] = popup_ref.indirect_reference if hasattr(popup_ref, "indirect_reference") \
        and popup_ref.indirect_reference is not None else popup_ref
    ref.get_object()[NameObject("/F")] = NumberObject(4)  # print
