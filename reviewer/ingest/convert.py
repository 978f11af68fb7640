""".doc, .wps, .rtf and .odt drafts: converted to .docx by LibreOffice, then read as .docx.

LibreOffice runs headless in a subprocess of its own session, with

* a time limit (``REVIEWER_CONVERT_TIMEOUT``, default 60 s); on expiry its whole process
  group is killed, so no ``soffice.bin`` is left behind;
* its own temporary profile directory (parallel conversions never share a profile lock,
  and nothing of the server's user profile is read or written);
* no network: inside a new network namespace (``unshare``) where the host allows one,
  so a document's linked images or remote templates cannot be fetched.

Where LibreOffice is not installed the draft is refused with a message naming the package.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from reviewer import errors
from reviewer.document import Document
from reviewer.errors import InputError

log = logging.getLogger(__name__)

_LABELS = {"doc": "旧版 Word（.doc）", "wps": "WPS 文字（.wps）", "rtf": "RTF", "odt": "OpenDocument（.odt）"}
_PACKAGE = "libreoffice-writer（Debian/Ubuntu：apt-get install libreoffice-writer-nogui；或安装 LibreOffice 并把 soffice 加入 PATH）"


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("REVIEWER_CONVERT_TIMEOUT", "60"))
    except ValueError:
        return 60.0


def find_soffice() -> str | None:
    for name in (os.environ.get("REVIEWER_SOFFICE") or "", "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    return None


@lru_cache(maxsize=1)
def _unshare_prefix() -> tuple[str, ...]:
    """``unshare -rn`` (or ``-n`` as root) when this host lets us make a network namespace."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    for flags in (("-n",), ("-rn",)):
        try:
            if subprocess.run([unshare, *flags, "true"], capture_output=True, timeout=5).returncode == 0:
                return (unshare, *flags)
        except (OSError, subprocess.SubprocessError):
            continue
    log.warning("no network namespace available: LibreOffice conversions run without network isolation")
    return ()


def convert_to_docx(data: bytes, kind: str) -> bytes:
    """The draft converted to .docx bytes; ``InputError`` when LibreOffice is absent or fails."""
    return libreoffice_convert(data, kind, "docx:MS Word 2007 XML", "docx")


def libreoffice_convert(data: bytes, kind: str, target: str, target_ext: str) -> bytes:
    """Convert ``data`` (a ``kind`` file) with ``soffice --convert-to target``; the result's bytes."""
    label = _LABELS.get(kind, kind)
    soffice = find_soffice()
    if soffice is None:
        raise InputError(errors.CONVERTER_MISSING,
                         f"读取{label}文件需要 LibreOffice，但本机未安装。请安装 {_PACKAGE}，或将草稿另存为 .docx 后再提交",
                         f"reading {kind} files needs LibreOffice (package libreoffice-writer-nogui); "
                         "install it or save the draft as .docx")
    limit = timeout_seconds()
    with tempfile.TemporaryDirectory(prefix="reviewer-lo-") as tmp:
        work = Path(tmp)
        src = work / f"draft.{kind}"
        src.write_bytes(data)
        out_dir = work / "out"
        out_dir.mkdir()
        cmd = [*_unshare_prefix(), soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
               "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        env = {**os.environ, "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                cwd=work, env=env, start_new_session=True)
        try:
            _out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise InputError(errors.CONVERSION_FAILED,
                             f"{label}文件转换超时（超过 {limit:.0f} 秒），请另存为 .docx 后再提交",
                             f"LibreOffice did not convert the {kind} file within {limit:.0f} s")
        finally:
            _kill_group(proc)  # soffice may leave helpers running in its group
        result = out_dir / f"draft.{target_ext}"
        if proc.returncode != 0 or not result.is_file() or result.stat().st_size == 0:
            log.warning("LibreOffice failed on a %s file (rc=%s): %s", kind, proc.returncode,
                        err.decode("utf-8", "replace")[-500:])
            raise InputError(errors.CONVERSION_FAILED,
                             f"无法读取该{label}文件（LibreOffice 转换失败，文件可能已损坏或加密），请另存为 .docx 后再提交",
                             f"LibreOffice could not convert the {kind} file (corrupt or encrypted?)")
        return result.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def read_via_libreoffice(data: bytes, filename: str, kind: str) -> Document:
    from reviewer.ingest.docx import read_docx

    doc = read_docx(convert_to_docx(data, kind), filename)
    doc.media_type = kind  # annotated .docx output is generated, the original is not a .docx
    return doc
