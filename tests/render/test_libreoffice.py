"""The annotated .docx opens in LibreOffice with every comment on its page (PDF annotations)."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from reviewer.ingest import read_bytes
from reviewer.render import annotate_docx

from drafts import build_docx, review_of, sample_findings

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
# Comments are exported as PDF annotations only when asked (Writer's ExportNotes filter option)
PDF_WITH_COMMENTS = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
pytestmark = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice not on PATH (apt-get install libreoffice-writer-nogui) — PDF check of the comments skipped",
)


def _pdf_annotation_texts(pdf: bytes) -> list[str]:
    """Texts of the PDF's annotations: LibreOffice writes each Word comment as a /Contents UTF-16 string."""
    out = []
    for hexstr in re.findall(rb"/Contents\s*<FEFF([0-9A-Fa-f]*)>", pdf):
        out.append(bytes.fromhex(hexstr.decode()).decode("utf-16-be"))
    return out


def test_comments_survive_libreoffice_pdf_export(tmp_path, artifacts):
    data = build_docx()
    doc = read_bytes(data, "draft.docx")
    annotated = annotate_docx(data, doc, review_of(doc, sample_findings(doc)))
    src = tmp_path / "draft.审核.docx"
    src.write_bytes(annotated)
    shutil.copy(src, artifacts / "draft.审核.docx")
    proc = subprocess.run(
        [LIBREOFFICE, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", PDF_WITH_COMMENTS, "--outdir", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=180,
    )
    pdf_path = tmp_path / "draft.审核.pdf"
    assert proc.returncode == 0 and pdf_path.exists(), proc.stderr
    pdf = pdf_path.read_bytes()
    shutil.copy(pdf_path, artifacts / "draft.审核.pdf")
    texts = _pdf_annotation_texts(pdf)
    expected = [c.text for c in docx.Document(str(src)).comments]
    assert len(expected) == len(sample_findings(doc))  # one comment per finding
    for want in expected:
        assert any(want.replace("\n", "") in t.replace("\r", "").replace("\n", "") for t in texts), want
    if shutil.which("pdftoppm"):  # a page image to look at
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf_path),
                        str(artifacts / "draft.审核.page")], capture_output=True, timeout=60, check=False)
