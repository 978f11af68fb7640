"""Guards that run before any parser sees an untrusted container.

A .docx is a zip of XML parts. We open it with the stdlib ``zipfile`` and check
the central directory (entry count, declared sizes, compression ratios,
encryption) and every part a parser may read — whatever its name, decoded as the parser
would decode it — for DTDs (hence no entity expansion)
before python-docx/lxml parse anything. ``zipfile`` never inflates more than an
entry's declared size, so the declared sizes we check bound the real work.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from reviewer import errors
from reviewer.errors import InputError

MAX_ENTRIES = 2000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together
MAX_RATIO = 200  # uncompressed / compressed, for entries big enough to matter
RATIO_MIN_SIZE = 2 * 1024 * 1024  # small parts may compress extremely well; harmless
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_CHUNK = 1 << 20

_OTHER_OFFICE = {  # zip containers that are not Word documents
    "xl/workbook.xml": ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
    "ppt/presentation.xml": ("PowerPoint 演示文稿（.pptx）", "a PowerPoint presentation (.pptx)"),
    "content.xml": ("OpenDocument 文档（.ods/.odp）", "an OpenDocument file (.ods/.odp)"),
    "OFD.xml": ("OFD 版式文件", "an OFD file"),
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
                         "the .docx container is truncated or corrupt") from exc
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
    types = _content_types(zf, infos)
    for info in infos:  # before anything else reads a part
        if not _is_media(types, info.filename):
            _check_xml_part(zf, info)
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise _not_word(names)
    return zf


def _not_word(names: set[str]) -> InputError:
    from reviewer.ingest.sniff import _ARCHIVE_HINT, not_a_draft

    for part, (zh, en) in _OTHER_OFFICE.items():
        if part in names:
            return not_a_draft(zh, en)
    if "[Content_Types].xml" not in names:  # not an Office file at all: an archive
        return not_a_draft("zip 压缩包", "a zip archive", _ARCHIVE_HINT)
    return InputError(errors.CORRUPT, "Word 文件缺少正文部分（word/document.xml），文件已损坏或不是 .docx",
                      "word/document.xml missing: not a .docx or corrupt")


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


# --- which parts a reader parses ------------------------------------------------------------
# The reader (python-docx) picks a part's parser by its content type, not its name: any part may
# be XML ("word/main.dat" as the main document). Only media types are kept as opaque blobs, so
# every other part — whatever its name, or with no declared type — is scanned.
_MEDIA = ("image/", "audio/", "video/")
_CT_RE = re.compile(rb"<(Default|Override)\b([^>]*)>", re.I)
_ATTR_RE = re.compile(rb"""(\w+)\s*=\s*["']([^"']*)["']""")


def _content_types(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, dict[str, str]]:
    """``{"default": {ext: type}, "override": {/part/name: type}}`` (names lower-cased)."""
    out: dict[str, dict[str, str]] = {"default": {}, "override": {}}
    info = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
    if info is None:
        return out
    _check_xml_part(zf, info)  # before reading it ourselves
    data = _read_part(zf, info)
    for kind, attrs in _CT_RE.findall(data):
        a = {k.decode().lower(): v.decode("utf-8", "replace") for k, v in _ATTR_RE.findall(attrs)}
        if kind.lower() == b"default" and "extension" in a:
            out["default"][a["extension"].lower()] = a.get("contenttype", "")
        elif kind.lower() == b"override" and "partname" in a:
            out["override"]["/" + a["partname"].lstrip("/").lower()] = a.get("contenttype", "")
    return out


def _is_media(types: dict[str, dict[str, str]], name: str) -> bool:
    if name == "[Content_Types].xml" or name.endswith("/"):
        return True  # scanned before it was read / a directory entry holds nothing
    ct = types["override"].get("/" + name.lower())
    if ct is None:
        ext = name.rsplit("/", 1)[-1].rpartition(".")[2].lower() if "." in name.rsplit("/", 1)[-1] else ""
        ct = types["default"].get(ext)
    return bool(ct) and ct.lower().startswith(_MEDIA) and not ct.lower().endswith("xml")


def _read_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return zf.read(info)
    except Exception as exc:
        if isinstance(exc, tuple(errors.INTERRUPTS)):
            raise
        raise _unreadable(info) from exc


def _unreadable(info: zipfile.ZipInfo) -> InputError:
    return InputError(errors.CORRUPT, "Word 文件已损坏或不完整（部件无法解压）",
                      f"part {info.filename!r} cannot be read")


# --- DTD scan after decoding ----------------------------------------------------------------
_DTD_TEXT_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
_DECL_ENC_RE = re.compile(rb"""^<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# XML 1.0 appendix F: the first bytes of "<?" in each encoding, when there is no BOM
_FIRST_BYTES = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00?\x00", "utf-16-le"),
                (b"\x00<\x00?", "utf-16-be"), (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


def part_encoding(head: bytes) -> str:
    """The encoding an XML parser reads a part in: BOM, the first bytes, then the declaration."""
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc
    for first, enc in _FIRST_BYTES:
        if head.startswith(first):
            return enc
    m = _DECL_ENC_RE.match(head.lstrip())
    if m:
        declared = m.group(1).decode("ascii").lower()
        try:
            return codecs.lookup(declared).name
        except LookupError:
            raise _malicious("Word 文件部件声明了无法识别的字符编码，疑似恶意构造",
                             f"XML part declares an unknown encoding {declared!r}") from None
    return "utf-8"


def _check_xml_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse DTDs anywhere in a part, in the encoding a parser would read it in: entity expansion
    needs a DOCTYPE, and Word never writes one."""
    tail = ""
    try:
        with zf.open(info) as fh:
            first = fh.read(_CHUNK)
            decoder = codecs.getincrementaldecoder(part_encoding(first[:512]))(errors="replace")
            chunk = first
            while chunk:
                text = tail + decoder.decode(chunk)
                if _DTD_TEXT_RE.search(text) or _DTD_RE.search(chunk):
                    raise _malicious("文件内含 XML 实体声明（DOCTYPE/ENTITY），疑似实体膨胀攻击",
                                     f"XML part {info.filename!r} declares a DTD/entities")
                tail = text[-16:]
                chunk = fh.read(_CHUNK)
    except InputError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, encrypted entry, unknown compression …
        if isinstance(exc, tuple(errors.INTERRUPTS)):
            raise
        raise _unreadable(info) from exc
