"""Input failures: a stable code plus a Chinese-first, bilingual message.

Every way a draft can be unusable ends in ``InputError``; callers (CLI, API,
workers) turn it into exit code 2, an HTTP 4xx/422 or a failed Review — never a
traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """A draft that cannot be read. ``code`` is stable (documented in README)."""

    def __init__(self, code: str, message_zh: str, message_en: str):
        super().__init__(f"{code}: {message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    @property
    def message(self) -> str:
        return f"{self.message_zh}（{self.message_en}）"


def chinese_part(message: str) -> str:
    """The Chinese of a bilingual message “中文（English）” (the message itself when it is not one)."""
    head, sep, tail = message.rpartition("（")
    if sep and head and tail.endswith("）") and tail[:-1].isascii():
        return head
    return message


# Stable error codes. Keep in sync with README “错误码”.
EMPTY = "input.empty"
BINARY = "input.binary"
ENCODING = "input.encoding"
UNSUPPORTED = "input.unsupported_type"
TOO_LARGE = "input.too_large"
CORRUPT = "input.corrupt"  # truncated / broken container
MALICIOUS = "input.malicious"  # zip bomb, XML entity expansion, path tricks
NOT_A_REPORT = "input.not_a_report"
NOT_FOUND = "input.not_found"
IS_DIRECTORY = "input.is_directory"  # a folder given where one draft is expected
SCANNED_PDF = "input.scanned_pdf"  # a PDF without a text layer
CONVERTER_MISSING = "input.converter_missing"  # .doc/.wps/.rtf/.odt need LibreOffice
CONVERSION_FAILED = "input.conversion_failed"  # LibreOffice could not convert (or timed out)


# Exceptions a host raises into a running review to stop it (Celery's soft time limit): the
# catch-alls of ingest and the pipeline let them through, so the host reports them with its own
# code (review.timeout) instead of input.corrupt or an internal error. Hosts append theirs.
INTERRUPTS: list[type[BaseException]] = []
