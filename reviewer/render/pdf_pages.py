"""A PDF draft's own pages as images with the findings highlighted (issue 15, the review page).

PDFium renders the page; each finding location on it (``Location.page`` / ``bbox``: points from the
page's top-left corner) is drawn as a translucent box in its severity's colour, numbered with the
finding's index in the review so the page and the findings panel name the same thing.
Dismissed findings are drawn grey.
"""

from __future__ import annotations

import io

_FILL = {"error": (221, 34, 34), "warning": (224, 138, 0), "info": (74, 139, 224), "dismissed": (150, 150, 150)}
SCALE = 1.6  # 72 dpi × 1.6 ≈ 115 dpi: readable on screen, small enough to send


class PageOutOfRange(Exception):
    pass


def page_png(data: bytes, page_no: int, findings: list[dict], scale: float = SCALE) -> bytes:
    """PNG of 1-based ``page_no`` with the boxes of ``findings`` (Finding JSON, with ``decision``)."""
    import pypdfium2
    from PIL import Image, ImageDraw, ImageFont

    pdf = pypdfium2.PdfDocument(data)
    try:
        if not 1 <= page_no <= len(pdf):
            raise PageOutOfRange(page_no)
        page = pdf[page_no - 1]
        image = page.render(scale=scale).to_pil().convert("RGBA")
        page.close()
    finally:
        pdf.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    font = ImageFont.load_default(size=15)
    for index, f in enumerate(findings):
        dismissed = (f.get("decision") or {}).get("decision") == "dismissed"
        colour = _FILL["dismissed" if dismissed else f.get("severity", "info")]
        for loc in f.get("locations", []):
            if loc.get("page") != page_no or not loc.get("bbox"):
                continue
            x0, top, x1, bottom = (v * scale for v in loc["bbox"])
            box = (x0 - 2, top - 2, x1 + 2, bottom + 2)
            draw.rectangle(box, fill=colour + (60,), outline=colour + (230,), width=2)
            draw.text((box[0], max(0, box[1] - 17)), str(index + 1), fill=colour + (255,), font=font)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


def page_count(data: bytes) -> int:
    """The number of pages of a PDF draft (0 when PDFium cannot open it)."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()
