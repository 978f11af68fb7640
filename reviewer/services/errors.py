"""The one refusal every flow raises: an HTTP status, a stable code, Chinese and English messages.

The API renders it as ``{"error": {...}}`` (``reviewer.api.errors``); the web pages show ``message_zh``.
"""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, status: int, code: str, message_zh: str, message_en: str, headers: dict | None = None):
        super().__init__(code)
        self.status, self.code, self.message_zh, self.message_en = status, code, message_zh, message_en
        self.headers = headers
