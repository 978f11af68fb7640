"""LibreOffice from the tests: convert many generated drafts in one ``soffice`` run.

One process per batch (LibreOffice starts in seconds, converts in milliseconds), its own
profile directory, so tests that run in parallel checkouts never share a profile lock.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TARGETS = {"pdf": "pdf:writer_pdf_Export", "doc": "doc:MS Word 97", "odt": "odt", "rtf": "rtf"}


def convert_all(files: dict[str, bytes], target: str, timeout: float = 300) -> dict[str, bytes]:
    """``{"a.docx": bytes}`` → ``{"a.docx": bytes of a.<target>}``, all in one soffice call."""
    with tempfile.TemporaryDirectory(prefix="reviewer-test-lo-") as tmp:
        work = Path(tmp)
        paths = []
        for name, data in files.items():
            p = work / name
            p.write_bytes(data)
            paths.append(p)
        out = work / "out"
        proc = subprocess.run([SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                               "--norestore", "--nologo", "--convert-to", TARGETS[target], "--outdir", str(out),
                               *map(str, paths)], capture_output=True, text=True, timeout=timeout)
        result = {}
        for name in files:
            converted = out / (Path(name).stem + "." + target)
            assert converted.is_file(), (name, proc.stdout, proc.stderr)
            result[name] = converted.read_bytes()
        return result
