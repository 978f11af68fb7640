"""Read and check a submission request before anything is stored or queued.

Cheap checks only (size, emptiness, declared and sniffed type, text decodability,
docx container); the worker does the full parse. Every refusal is an ApiError
with a stable code from reviewer.errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Request

from reviewer import errors
from reviewer.api.errors import ApiError
from reviewer.errors import InputError
from reviewer.services.submissions import report_key_text, review_id_text

_STATUS = {errors.TOO_LARGE: 413, errors.UNSUPPORTED: 415}
_FORM_SLACK = 64 * 1024  # multipart boundaries and small fields around the file
_FIELDS = ("callback_url", "use_llm", "report_key", "previous_review_id", "unit")
_ALLOWED_TYPES = {
    "", "application/octet-stream", "text/plain", "text/html", "text/markdown", "text/x-markdown",
    "application/xhtml+xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    # PDF and the formats LibreOffice converts (issue 9)
    "application/pdf", "application/x-pdf", "application/msword", "application/vnd.ms-works", "application/wps-office.wps",
    "application/kswps", "application/rtf", "text/rtf", "application/vnd.oasis.opendocument.text",
}


@dataclass
class Upload:
    data: bytes
    filename: str
    callback_url: str | None
    use_llm: bool | None
    report_key: str | None = None  # issue 15: the report this draft is a version of
    previous_review_id: str | None = None
    unit: str | None = None  # issue 16: the unit (id or name) the draft is for


def _refuse(code: str, zh: str, en: str) -> ApiError:
    return ApiError(_STATUS.get(code, 422), code, zh, en)


def _too_large(limit: int) -> ApiError:
    return _refuse(errors.TOO_LARGE, f"文件过大，上限为 {limit // 1024 // 1024} MB", f"upload exceeds {limit} bytes")


async def read_capped(request: Request, cap: int, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)  # refused before reading the body
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # starlette re-reads a cached body for request.form()
    return body


def cap_body(request: Request, cap: int, limit: int) -> None:
    """Refuse a body over ``cap`` bytes while it streams (413), without holding it in memory: the
    multipart parser then spools each file part to a temporary file as it arrives."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)  # refused before reading the body
    receive, seen = request._receive, 0

    async def capped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise _too_large(limit)
        return message

    request._receive = capped


def flag_value(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


async def read_upload(request: Request, limit: int) -> Upload:
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype == "multipart/form-data":
        cap_body(request, limit + _FORM_SLACK, limit)
        form = await request.form(max_files=1, max_fields=20)
        part = form.get("file")
        if part is None or isinstance(part, str):
            text = form.get("text")
            if not isinstance(text, str):
                raise ApiError(422, "request.missing_file", "请以 file 字段上传报告文件，或以 text 字段提交正文",
                               "send the draft as multipart field 'file' (or 'text')")
            data, filename, declared = text_bytes(text), str(form.get("filename") or "draft.txt"), ""
        else:
            declared = (part.content_type or "").split(";", 1)[0].strip().lower()
            data, filename = await part.read(), part.filename or "draft"
        fields = {k: form.get(k) for k in _FIELDS}
    elif ctype == "application/json":
        body = await read_capped(request, limit * 2 + _FORM_SLACK, limit)  # JSON escaping can double text
        try:
            raw = body or b"null"
            payload = json.loads(raw.decode(json.detect_encoding(raw)))  # UTF-8 (or the UTF-16/32 JSON allows)
        except UnicodeDecodeError as exc:
            raise _refuse(errors.ENCODING, f"JSON 正文不是有效的 UTF-8 文本（第 {exc.start + 1} 个字节起无法解码）；"
                                           "请以 UTF-8 编码发送 JSON",
                          f"the JSON body is not valid UTF-8 (undecodable bytes at offset {exc.start}); "
                          "send JSON encoded as UTF-8") from exc
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise ApiError(422, "request.invalid_json", "JSON 请求须为对象，且包含字符串字段 text（报告正文）",
                           "JSON body must be an object with a string field 'text'")
        data, filename, declared = text_bytes(payload["text"]), str(payload.get("filename") or "draft.txt"), ""
        fields = {k: payload.get(k) for k in _FIELDS}
    else:
        raise _refuse(errors.UNSUPPORTED, "请求类型须为 multipart/form-data（上传文件）或 application/json（正文）",
                      f"unsupported request content type {ctype or '(none)'}")
    check_draft(data, filename, limit)  # first: a file of a known wrong kind gets the message for its kind
    if declared not in _ALLOWED_TYPES:
        from reviewer.ingest.sniff import SUBMIT, SUBMIT_EN

        raise _refuse(errors.UNSUPPORTED, f"不支持的文件类型 {declared}，请提交报告的 {SUBMIT} 文件",
                      f"unsupported content type {declared}; submit {SUBMIT_EN}")
    callback = fields.get("callback_url")
    return Upload(data=data, filename=clean_name(filename), callback_url=callback_text(callback),
                  use_llm=flag_value(fields.get("use_llm")), report_key=report_key_text(fields.get("report_key")),
                  previous_review_id=review_id_text(fields.get("previous_review_id")), unit=unit_text(fields.get("unit")))


def unit_text(value) -> str | None:
    """The optional ``unit`` field: a unit id (a JSON number or digits) or its name."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ApiError(422, "request.invalid", "unit 应为单位编号或名称", "unit must be a unit id or name")
    text = str(value).strip()
    if len(text) > 200:
        raise ApiError(422, "request.invalid", "unit 过长（最多 200 个字符）", "unit is too long (200 characters at most)")
    return text or None


def _bad_char(ch: str) -> bool:
    return ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff"


def clean_name(name: str) -> str:
    """A file name as stored and shown: control characters and lone surrogates dropped (PostgreSQL
    refuses NUL in text; a surrogate cannot be encoded), at most 500 characters."""
    cleaned = "".join(ch for ch in str(name) if not _bad_char(ch)).strip()
    return cleaned[:500] or "draft"


def callback_text(value) -> str | None:
    """The callback URL as given, refused when it holds characters no URL can hold."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or any(_bad_char(ch) for ch in value) or len(value) > 2000:
        raise ApiError(422, "callback.invalid", "回调地址格式错误（含非法字符或过长）",
                       "invalid callback URL (control characters or too long)")
    return value


def text_bytes(text: str) -> bytes:
    """UTF-8 of submitted text; a lone surrogate (``"\\ud800"`` in JSON) is refused, not a crash."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _refuse(errors.ENCODING, "正文含有无法编码的字符（孤立的代理项）",
                      "the text holds a character that cannot be encoded (lone surrogate)") from exc


def check_draft(data: bytes, filename: str, limit: int) -> None:
    if len(data) > limit:
        raise _too_large(limit)
    if not data.strip():
        raise _refuse(errors.EMPTY, "文件为空", "the file is empty")
    from reviewer.ingest.sniff import sniff_kind
    from reviewer.ingest.text import decode

    try:
        kind = sniff_kind(data, filename)
        if kind == "docx":
            from reviewer.ingest.docx import vet_docx

            vet_docx(data)  # zip bombs, entity bombs, nesting and content limits refused before storing
        elif kind == "pdf":
            from reviewer.ingest.pdf_safety import check_pdf

            check_pdf(data)  # broken, encrypted, bomb and JavaScript PDFs are refused before anything is stored
        elif kind in ("doc", "wps", "rtf", "odt"):
            pass  # converted and read by the worker; a failed conversion is a failed review
        else:
            decode(data)  # binary or undecodable bytes are refused here
    except InputError as exc:
        raise _refuse(exc.code, exc.message_zh, exc.message_en) from exc
