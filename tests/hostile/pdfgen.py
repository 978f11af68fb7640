"""PDFs the hostile tests make: many pages of ruled tables, or one page of a great many characters."""

from __future__ import annotations

import io


def _build(objs: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + o + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def grid_content(n: int, cell: float = 12.0, x0: float = 40.0, top: float = 800.0) -> bytes:
    """An n×n ruled table with a digit in every cell."""
    ops = ["0.5 w"]
    for i in range(n + 1):
        y = top - i * cell
        ops.append(f"{x0} {y} m {x0 + n * cell} {y} l S")
        x = x0 + i * cell
        ops.append(f"{x} {top} m {x} {top - n * cell} l S")
    ops.append("BT /F1 7 Tf")
    for r in range(n):
        for c in range(n):
            ops.append(f"1 0 0 1 {x0 + c * cell + 3} {top - (r + 1) * cell + 3} Tm ({(r + c) % 10}) Tj")
    ops.append("ET")
    return "\n".join(ops).encode()


def text_content(chars: int, per_line: int = 100) -> bytes:
    """One page of ``chars`` characters in lines of ``per_line`` (tiny type, overlapping: only the count matters)."""
    ops = ["BT /F1 2 Tf"]
    for k in range(0, chars, per_line):
        y = 820 - (k // per_line) % 400 * 2
        ops.append(f"1 0 0 1 10 {y} Tm ({'8' * min(per_line, chars - k)}) Tj")
    ops.append("ET")
    return "\n".join(ops).encode()


def pdf_of(pages: int, content: bytes) -> bytes:
    """``pages`` pages sharing one content stream (a small file, as much work per page as one)."""
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
             b" /Contents 4 0 R >>"] * pages
    return _build(objs)
