"""The drafts of a batch: every supported file under a folder, or inside a .zip.

A zip is read in memory, never extracted, so an entry named ``../../etc/x``
cannot write anywhere; such names are refused anyway, as are encrypted entries
and anything over the size caps (per file, total, ratio).

Every file is a row (issue 16): a draft to review; a file that is not one by its
type (an .xlsx attachment, a picture) is listed as skipped (``Source.skipped``);
a zip inside the zip is opened in turn (one level) and its files listed under its
name; other archives and deeper nesting are rows that say to repack. Only hidden
files, macOS metadata and Word lock files are left out.

Names without the UTF-8 flag: zips made on Chinese Windows store GBK, and Linux's
``zip`` stores the bytes of the file name as they are (UTF-8) without setting the
flag; UTF-8 is tried first (GBK bytes are rarely valid UTF-8), then GB18030.
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


NOT_A_DRAFT = "batch.not_a_draft"  # a file that is no draft by its type: listed as skipped
NESTED = "batch.nested_archive"  # an archive that is not opened (deeper nesting, rar/7z): repack
ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")
MAX_DEPTH = 1  # zips inside the uploaded zip are opened; zips inside those are not


@dataclass
class Source:
    name: str  # relative path as shown to the user
    data: bytes | None = None  # None: ``error`` says why it was not read
    error: InputError | None = None

    @property
    def skipped(self) -> bool:
        """Not a draft by its type: a row that says so, never reviewed."""
        return self.error is not None and self.error.code == NOT_A_DRAFT


def is_draft_name(name: str) -> bool:
    """A name without a suffix is sniffed by content later; one with another suffix is no draft."""
    suffix = PurePosixPath(name).suffix.lower()
    typed = suffix[1:].isascii() and suffix[1:].isalpha() and len(suffix) <= 6  # “报告.2023” has no type
    return not typed or suffix in SUFFIXES


def not_a_draft(name: str) -> InputError:
    return InputError(NOT_A_DRAFT, "不是报告文件（已跳过）：支持 " + "、".join(DRAFT_TYPES_ZH),
                      f"not a draft by its type: {PurePosixPath(name).suffix or 'no extension'}")


DRAFT_TYPES_ZH = (".docx", ".doc", ".wps", ".pdf", ".rtf", ".odt", ".txt", ".html", ".md")


def _wanted(rel: str) -> bool:
    return not _ignored(rel) and PurePosixPath(rel).suffix.lower() in SUFFIXES


def _limit() -> int:
    from reviewer.settings import get_settings

    return get_settings().max_input_bytes


def read_folder(folder: Path) -> list[Source]:
    every = [p for p in folder.rglob("*") if p.is_file() and not _ignored(p.relative_to(folder).as_posix())]
    files = sorted(p for p in every if _wanted(p.relative_to(folder).as_posix()))
    others = [Source(p.relative_to(folder).as_posix(), error=not_a_draft(p.name))
              for p in every if not _wanted(p.relative_to(folder).as_posix())]
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
    return sorted(out + others, key=lambda s: s.name)


def _too_large(size: int, limit: int) -> InputError:
    return InputError(errors.TOO_LARGE, f"文件过大（{size // 1024 // 1024} MB），上限为 {limit // 1024 // 1024} MB",
                      f"file too large ({size} bytes; limit {limit})")


def entry_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: zipfile decoded it as cp437
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = None
        if raw is not None and not raw.isascii():
            for encoding in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    return name.replace("\\", "/")


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name)
    return name.startswith("/") or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def read_zip(data: bytes | BinaryIO, _prefix: str = "", _depth: int = 0, _budget: list[int] | None = None) -> list[Source]:
    """Every member of the zip (bytes, or a seekable file: an upload spooled to disk) as a Source (see the module doc). ``_budget``: bytes still allowed
    for all drafts, shared with the zips inside."""
    budget = _budget if _budget is not None else [MAX_TOTAL_BYTES]
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
            out.append(Source(_prefix + name, error=InputError(errors.MALICIOUS, "压缩包内含可疑路径，已跳过",
                                                               f"unsafe path in zip: {name!r}")))
            continue
        if _ignored(name):
            continue
        shown = _prefix + name
        archive = PurePosixPath(name).suffix.lower() in ARCHIVES
        if not archive and not _wanted(name):
            out.append(Source(shown, error=not_a_draft(name)))
            continue
        if archive and (_depth >= MAX_DEPTH or not name.lower().endswith(".zip")):
            out.append(Source(shown, error=InputError(
                NESTED, "压缩包内的压缩包未能打开（rar、7z 等格式，或 zip 嵌套超过一层）",
                "archive inside the archive not opened (rar/7z/tar, or nested too deep): repack as one zip")))
            continue
        if info.flag_bits & 0x1:
            out.append(Source(shown, error=InputError(errors.UNSUPPORTED, "文件已加密，无法读取", "encrypted zip entry")))
            continue
        cap = MAX_TOTAL_BYTES // 4 if archive else limit  # an inner zip holds many drafts
        if info.file_size > cap:
            out.append(Source(shown, error=_too_large(info.file_size, cap)))
            continue
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            out.append(Source(shown, error=InputError(errors.MALICIOUS, "压缩比异常，疑似压缩炸弹", "zip bomb entry")))
            continue
        try:
            with zf.open(info) as fh:
                content = fh.read(cap + 1)  # never more than the cap, whatever the header says
        except Exception:  # zlib errors, bad CRC, unsupported method
            out.append(Source(shown, error=InputError(errors.CORRUPT, "压缩包内文件已损坏",
                                                      f"cannot read {name!r}")))
            continue
        if len(content) > cap:
            out.append(Source(shown, error=_too_large(len(content), cap)))
            continue
        budget[0] -= len(content)
        if budget[0] < 0:
            raise InputError(errors.MALICIOUS, "压缩包解压后体积过大，疑似压缩炸弹", "zip expands beyond the batch limit")
        if archive:
            try:
                out.extend(read_zip(content, shown + "/", _depth + 1, budget))
            except InputError as exc:  # the inner zip is one row that says why
                out.append(Source(shown, error=exc))
            continue
        out.append(Source(shown, content))
    if len(out) > MAX_FILES:
        raise InputError(errors.MALICIOUS, f"压缩包内文件过多（{len(out)} 个）", f"too many zip entries ({len(out)})")
    return sorted(out, key=lambda s: s.name)


def _ignored(rel: str) -> bool:
    """Hidden files, macOS metadata and Word lock files: not even worth listing as skipped."""
    p = PurePosixPath(rel)
    return any(part in _SKIP_PARTS or part.startswith(".") for part in p.parts) or p.name.startswith("~$")


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
