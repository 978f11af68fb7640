"""The drafts of a batch: every supported file under a folder, or inside a .zip.

A zip is read in memory, never extracted, so an entry named ``../../etc/x``
cannot write anywhere; such names are refused anyway, as are encrypted entries,
nested archives and anything over the size caps (per file, total, ratio).
Zips made on Chinese Windows store names in GBK without the UTF-8 flag; those
names are decoded as GBK so the summary shows the real file names.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from reviewer import errors
from reviewer.errors import InputError

SUFFIXES = (".docx", ".txt", ".html", ".htm", ".md", ".markdown", ".pdf", ".doc", ".wps", ".rtf", ".odt")
MAX_FILES = 5000
MAX_TOTAL_BYTES = 2 * 1024 ** 3  # all drafts of one batch, uncompressed
MAX_RATIO = 200  # uncompressed/compressed for one zip entry (docx parts are checked again at ingest)
_SKIP_PARTS = ("__MACOSX",)


@dataclass
class Source:
    name: str  # relative path as shown to the user
    data: bytes | None = None  # None: ``error`` says why it was not read
    error: InputError | None = None


def _wanted(rel: str) -> bool:
    p = PurePosixPath(rel)
    if any(part in _SKIP_PARTS or part.startswith(".") for part in p.parts):
        return False
    if p.name.startswith("~$"):  # Word's lock file of an open document
        return False
    return p.suffix.lower() in SUFFIXES


def _limit() -> int:
    from reviewer.settings import get_settings

    return get_settings().max_input_bytes


def read_folder(folder: Path) -> list[Source]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and _wanted(p.relative_to(folder).as_posix()))
    if len(files) > MAX_FILES:
        raise InputError(errors.TOO_LARGE, f"文件夹内报告过多（{len(files)} 份），上限为 {MAX_FILES} 份",
                         f"too many drafts ({len(files)}; limit {MAX_FILES})")
    limit, total, out = _limit(), 0, []
    for p in files:
        rel = p.relative_to(folder).as_posix()
        size = p.stat().st_size
        if size > limit:
            out.append(Source(rel, error=_too_large(size, limit)))
            continue
        total += size
        if total > MAX_TOTAL_BYTES:
            raise InputError(errors.TOO_LARGE, "本批次文件总量过大", f"batch exceeds {MAX_TOTAL_BYTES} bytes")
        out.append(Source(rel, p.read_bytes()))
    return out


def _too_large(size: int, limit: int) -> InputError:
    return InputError(errors.TOO_LARGE, f"文件过大（{size // 1024 // 1024} MB），上限为 {limit // 1024 // 1024} MB",
                      f"file too large ({size} bytes; limit {limit})")


def entry_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: zipfile decoded it as cp437
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/")


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name)
    return name.startswith("/") or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def read_zip(data: bytes | BinaryIO) -> list[Source]:
    """The drafts of a zip given as bytes or as a seekable file (an upload spooled to disk)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise InputError(errors.CORRUPT, "压缩包已损坏或不是 zip 文件", "not a readable zip") from exc
    if len(infos) > MAX_FILES:
        raise InputError(errors.MALICIOUS, f"压缩包内文件过多（{len(infos)} 个）", f"too many zip entries ({len(infos)})")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise InputError(errors.MALICIOUS, "压缩包解压后体积过大，疑似压缩炸弹", "zip expands beyond the batch limit")
    limit, out = _limit(), []
    for info in infos:
        name = entry_name(info)
        if _unsafe(name):
            out.append(Source(name, error=InputError(errors.MALICIOUS, "压缩包内含可疑路径，已跳过",
                                                     f"unsafe path in zip: {name!r}")))
            continue
        if not _wanted(name):
            continue
        if info.flag_bits & 0x1:
            out.append(Source(name, error=InputError(errors.UNSUPPORTED, "文件已加密，无法读取", "encrypted zip entry")))
            continue
        if info.file_size > limit:
            out.append(Source(name, error=_too_large(info.file_size, limit)))
            continue
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            out.append(Source(name, error=InputError(errors.MALICIOUS, "压缩比异常，疑似压缩炸弹", "zip bomb entry")))
            continue
        try:
            with zf.open(info) as fh:
                content = fh.read(limit + 1)  # never more than the cap, whatever the header says
        except Exception as exc:  # zlib errors, bad CRC, unsupported method
            out.append(Source(name, error=InputError(errors.CORRUPT, "压缩包内文件已损坏",
                                                     f"cannot read {name!r}")))
            continue
        if len(content) > limit:
            out.append(Source(name, error=_too_large(len(content), limit)))
            continue
        out.append(Source(name, content))
    return sorted(out, key=lambda s: s.name)


def _ignored(rel: str) -> bool:
    """Hidden files, macOS metadata and Word lock files: not even worth listing as skipped."""
    p = PurePosixPath(rel)
    return any(part in _SKIP_PARTS or part.startswith(".") for part in p.parts) or p.name.startswith("~$")


def other_files(path: str | Path) -> list[str]:
    """Files of the folder or zip that are not drafts by their type (e.g. 附件.xlsx, 说明.pdf), to list as skipped."""
    p = Path(path)
    if p.is_dir():
        names = [f.relative_to(p).as_posix() for f in p.rglob("*") if f.is_file()]
    else:
        try:
            names = [entry_name(i) for i in zipfile.ZipFile(p).infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError):
            return []
    return sorted(n for n in names if not _ignored(n) and not _unsafe(n) and not _wanted(n))


def read_sources(path: str | Path) -> list[Source]:
    """A folder or a .zip of drafts. Raises ``InputError`` when the batch itself is unusable."""
    p = Path(path)
    if p.is_dir():
        return read_folder(p)
    if p.is_file():
        if p.suffix.lower() in SUFFIXES:
            raise InputError(errors.UNSUPPORTED, f"{p.name} 是单份报告：请用 reviewer review 审核，或把报告放进文件夹/zip",
                             f"{p.name} is a single draft; use `reviewer review`")
        with p.open("rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK"):
            return read_zip(p.read_bytes())
        raise InputError(errors.UNSUPPORTED, f"{p.name} 不是文件夹或 zip 压缩包",
                         f"{p.name} is neither a folder nor a zip archive")
    raise InputError(errors.NOT_FOUND, f"找不到文件夹或压缩包：{p}", f"no such folder or zip: {p}")
