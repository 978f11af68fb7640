"""Overload and failures answered in the JSON error shape: never a plain-text 500.

- No pooled database connection within ``db_pool_timeout`` (too many requests at once) or the
  database unreachable: 503 with ``Retry-After``.
- A NUL byte or another control character in the URL path or query: 404/422 before any handler —
  no id we issue holds one, and PostgreSQL refuses NUL in text.
- Anything else unexpected: 500, logged with its trace, in the same JSON shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError as PoolTimeout

from reviewer.api.errors import error_body

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2


def busy(code: str = "service.busy") -> JSONResponse:
    return JSONResponse(error_body(code, "服务繁忙，请稍后重试", "service busy, retry later"), status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _bad_char(text: str) -> bool:
    return any(ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in text)


class InputCharacters:
    """ASGI middleware: URL paths and queries with control characters end here."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            from urllib.parse import unquote_to_bytes

            query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
            if _bad_char(scope.get("path", "")):
                response = JSONResponse(error_body("http.404", "未找到", "not found"), status_code=404)
                return await response(scope, receive, send)
            if b"\x00" in query or not _utf8(query):
                response = JSONResponse(error_body("request.invalid", "请求参数含有非法字符",
                                                   "invalid characters in the query string"), status_code=422)
                return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def install(app: FastAPI) -> None:
    app.add_middleware(InputCharacters)

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free for %s %s: answering 503", request.method, request.url.path)
        return busy()

    @app.exception_handler(OperationalError)
    async def _db_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable for %s %s: %s", request.method, request.url.path, exc.orig)
        return busy("service.unavailable")

    @app.exception_handler(DBAPIError)
    async def _db_refused(request: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database error for %s %s", request.method, request.url.path, exc_info=exc)
        return _internal()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error for %s %s", request.method, request.url.path, exc_info=exc)
        return _internal()


def _internal() -> JSONResponse:
    return JSONResponse(error_body("internal.error", "服务内部错误，请稍后重试或联系维护人员", "internal server error"),
                        status_code=500)
