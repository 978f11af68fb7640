"""Guards that run before any parser sees an untrusted container.

A .docx is a zip of XML parts. We open it with the stdlib ``zipfile`` and check
the central directory (entry count, declared sizes, compression ratios,
encryption) and the XML parts themselves (no DTDs, hence no entity expansion)
before python-docx/lxml parse anything. ``zipfile`` never inflates more than an
entry's declared size, so the declared sizes we check bound the real work.
"""

from __future__ import annotations

import io
import re
import zipfile

from reviewer import errors
from reviewer.errors import InputError

MAX_ENTRIES = 2000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together
MAX_RATIO = 200  # uncompressed / compressed, for entries big enough to matter
RATIO_MIN_SIZE = 2 * 1024 * 1024  # small parts may compress extremely well; harmless
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_CHUNK = 1 << 20

_OTHER_OFFICE = {  # zip containers that are not Word documents
    "xl/workbook.xml": "Excel 工作簿（.xlsx）",
    "ppt/presentation.xml": "PowerPoint 演示文稿（.pptx）",
    "content.xml": "OpenDocument 文档（.odt/.ods）",
}


def _malicious(zh: str, en: str) -> InputError:
    return InputError(errors.MALICIOUS, zh, en)


def open_docx_zip(data: bytes) -> zipfile.ZipFile:
    """Open and vet a .docx container; raises ``InputError`` for anything unsafe or not Word."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise InputError(errors.CORRUPT, "Word 文件已损坏或不完整（压缩包无法打开）",
                         f"the .docx container is truncated or corrupt ({exc})") from exc
    if len(infos) > MAX_ENTRIES:
        raise _malicious(f"压缩包内文件过多（{len(infos)} 个），疑似恶意构造",
                         f"too many zip entries ({len(infos)})")
    total = 0
    for info in infos:
        _check_entry(info)
        total += info.file_size
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise _malicious(f"解压后体积过大（{total // 1024 // 1024} MB），疑似压缩炸弹",
                         f"uncompressed size {total} bytes exceeds the limit (zip bomb?)")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        for part, label in _OTHER_OFFICE.items():
            if part in names:
                raise InputError(errors.UNSUPPORTED, f"这是{label}，不是 Word 文档；请提交 .docx、.txt、.html 或 .md",
                                 f"not a Word document ({part} found)")
        raise InputError(errors.CORRUPT, "Word 文件缺少正文部分（word/document.xml），文件已损坏或不是 .docx",
                         "word/document.xml missing: not a .docx or corrupt")
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES):
            _check_xml_part(zf, info)
    return zf


def _check_entry(info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1:
        raise InputError(errors.UNSUPPORTED, "Word 文件已加密，请解除密码保护后再提交",
                         "the .docx is encrypted")
    name = info.filename
    if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
        raise _malicious("压缩包内含可疑路径，疑似恶意构造", f"suspicious zip entry path {name!r}")
    if info.file_size > MAX_TOTAL_UNCOMPRESSED:
        raise _malicious("压缩包内单个文件解压后过大，疑似压缩炸弹",
                         f"entry {name!r} expands to {info.file_size} bytes (zip bomb?)")
    if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise _malicious("压缩比异常，疑似压缩炸弹",
                         f"entry {name!r} compression ratio over {MAX_RATIO}:1 (zip bomb?)")


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse DTDs anywhere in a part: entity expansion needs a DOCTYPE, Word never writes one."""
    tail = b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                if _DTD_RE.search(tail + chunk):
                    raise _malicious("文件内含 XML 实体声明（DOCTYPE/ENTITY），疑似实体膨胀攻击",
                                     f"XML part {info.filename!r} declares a DTD/entities")
                tail = chunk[-16:]
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: encrypted entry; NotImplementedError: unknown compression method
        raise InputError(errors.CORRUPT, "Word 文件已损坏或不完整（部件无法解压）",
                         f"part {info.filename!r} cannot be read ({exc})") from exc
    except Exception as exc:  # zlib.error and the like
        raise InputError(errors.CORRUPT, "Word 文件已损坏或不完整（部件无法解压）",
                         f"part {info.filename!r} cannot be read ({type(exc).__name__})") from exc
